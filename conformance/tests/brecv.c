/* brecv(3). */
#include "bytestream.h"

DS_TEST(brecv, EBADF_minus_one, "s = -1 is an invalid handle: EBADF") { ds_check_ebadf(ds_brecv, -1); }
DS_TEST(brecv, EBADF_out_of_range, "s = 2^30, never issued: EBADF") { ds_check_ebadf(ds_brecv, 1 << 30); }
DS_TEST(brecv, EBADF_closed_handle, "a just-closed handle: EBADF") { ds_check_ebadf(ds_brecv, ds_closed_handle()); }
DS_TEST(brecv, ENOTSUP_listener, "a listener is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_brecv, 0); }
DS_TEST(brecv, ENOTSUP_bundle, "a bundle is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_brecv, 1); }
DS_TEST(brecv, ENOTSUP_coroutine, "a coroutine handle is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_brecv, 2); }
DS_TEST(brecv, ECANCELED_after, "called in a coroutine already canceled: ECANCELED") { ds_check_ecanceled_after(ds_brecv); }
DS_TEST(brecv, ECANCELED_blocked, "blocked in the call when its coroutine is closed: ECANCELED") { ds_check_ecanceled_blocked(ds_brecv, false); }
DS_TEST(brecv, EBUSY_two_coroutines, "a second coroutine using the same direction meanwhile: EBUSY, which changes nothing") { ds_check_ebusy(ds_brecv, false); }
DS_TEST(brecv, ETIMEDOUT_deadline_0, "deadline 0 when the transfer cannot complete now: ETIMEDOUT without blocking") { ds_check_deadline_0(ds_brecv, false); }
DS_TEST(brecv, ETIMEDOUT_past_deadline, "a deadline already past acts like 0: ETIMEDOUT without blocking") { ds_check_deadline_past(ds_brecv, false); }
DS_TEST(brecv, ETIMEDOUT_timed, "a timed deadline: ETIMEDOUT, neither early nor much late") { ds_check_deadline_timed(ds_brecv, false); }
DS_TEST(brecv, deadline_infinite_waits_for_peer, "deadline -1 blocks until the peer makes the transfer possible, and not less") { ds_check_deadline_infinite(ds_brecv, false); }
DS_TEST(brecv, unusable_after_timeout, "after a timeout the direction cannot be used from then on: ECONNRESET, though the bytes then arrived") { ds_check_unusable_after_timeout(ds_brecv, false); }
DS_TEST(brecv, roundtrip_pair, "receives exactly the bytes sent (ipc_pair)") { ds_check_roundtrip(ds_bsend, ds_brecv, DS_PAIR); }
DS_TEST(brecv, EPIPE_after_peer_done, "the peer half-closed and all data was read: EPIPE") { ds_check_recv_epipe(ds_brecv); }
DS_TEST(brecv, EPIPE_after_short_read, "the peer's done that came while nobody waited still ends a receive that read the rest: EPIPE") { ds_check_recv_epipe_after_short_read(ds_brecv); }
DS_TEST(brecv, EPIPE_done_before_drain, "the peer's done came before a receive took all there was: the next receive gets EPIPE, it does not wait") { ds_check_recv_epipe_done_before_drain(ds_brecv); }
DS_TEST(brecv, EPIPE_after_drain_peer_closed, "the peer closes after a receive took all there was: the next receive gets EPIPE, it does not wait") { ds_check_recv_epipe_after_drain_peer_closed(ds_brecv); }
DS_TEST(brecv, fd_byte_after_drain, "a descriptor's byte sent after a receive took all there was arrives, though the scheduler looked at the fds first") { ds_check_recv_fd_byte_after_drain(ds_brecv); }
DS_TEST(brecv, no_partial_receive, "no partial receive: a short read fails and the direction stays failed (ECONNRESET)") { ds_check_recv_no_partial(ds_brecv); }
DS_TEST(brecv, null_buffer_discards, "a NULL buffer receives and drops the bytes") { ds_check_recv_discard(ds_brecv); }
DS_TEST(brecv, ETIMEDOUT_null_buffer, "a NULL buffer still needs its bytes: deadline 0 with none there gives ETIMEDOUT") { ds_check_recv_discard_waits(ds_brecv); }
DS_TEST(brecv, EPIPE_null_buffer_after_done, "a NULL buffer past the peer's done: EPIPE") { ds_check_recv_discard_epipe(ds_brecv); }
DS_TEST(brecv, ECONNRESET_peer_reset, "the peer closed with our bytes unread (a reset): ECONNRESET, not EPIPE") { ds_check_recv_peer_reset(ds_brecv); }
DS_TEST(brecv, null_buffer_64KiB, "a NULL buffer drops exactly 64 KiB, the bytes after them follow") { ds_check_recv_discard_big(ds_brecv, 64u << 10); }
DS_TEST(brecv, null_buffer_1MiB, "a NULL buffer drops exactly 1 MiB, the bytes after them follow") { ds_check_recv_discard_big(ds_brecv, 1u << 20); }
DS_TEST(brecv, spans_kernel_buffers, "one brecv of 4 MiB, many socket buffers, receives exactly the bytes sent") { ds_check_spans_kernel_buffers(ds_bsend, ds_brecv); }
DS_TEST(brecv, EBADF_zero_length, "a zero-length call on a closed handle: EBADF") { ds_check_ebadf(ds_brecv0, ds_closed_handle()); }
DS_TEST(brecv, ENOTSUP_zero_length, "a zero-length call on a listener: ENOTSUP") { ds_check_enotsup(ds_brecv0, 0); }
DS_TEST(brecv, EBUSY_zero_length, "a zero-length call while another coroutine receives: EBUSY, which changes nothing") { ds_check_ebusy_with(ds_brecv, ds_brecv0, false); }
DS_TEST(brecv, ECONNRESET_zero_length_after_timeout, "a zero-length call on a direction failed by a timeout, with bytes waiting: ECONNRESET") { ds_check_after_timeout(ds_brecv, ds_brecv0, false); }
DS_TEST(brecv, EPIPE_zero_length_after_end, "a zero-length call after a receive met the peer's end of stream: EPIPE") { ds_check_recv_epipe_stays(ds_brecv0); }
DS_TEST(brecv, ECANCELED_zero_length, "a zero-length call in a coroutine already canceled: ECANCELED") { ds_check_ecanceled_after(ds_brecv0); }
