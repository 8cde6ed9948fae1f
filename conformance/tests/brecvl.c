/* brecvl(3). */
#include "bytestream.h"

DS_TEST(brecvl, EBADF_minus_one, "s = -1 is an invalid handle: EBADF") { ds_check_ebadf(ds_brecvl, -1); }
DS_TEST(brecvl, EBADF_out_of_range, "s = 2^30, never issued: EBADF") { ds_check_ebadf(ds_brecvl, 1 << 30); }
DS_TEST(brecvl, EBADF_closed_handle, "a just-closed handle: EBADF") { ds_check_ebadf(ds_brecvl, ds_closed_handle()); }
DS_TEST(brecvl, ENOTSUP_listener, "a listener is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_brecvl, 0); }
DS_TEST(brecvl, ENOTSUP_bundle, "a bundle is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_brecvl, 1); }
DS_TEST(brecvl, ENOTSUP_coroutine, "a coroutine handle is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_brecvl, 2); }
DS_TEST(brecvl, ECANCELED_after, "called in a coroutine already canceled: ECANCELED") { ds_check_ecanceled_after(ds_brecvl); }
DS_TEST(brecvl, ECANCELED_blocked, "blocked in the call when its coroutine is closed: ECANCELED") { ds_check_ecanceled_blocked(ds_brecvl, false); }
DS_TEST(brecvl, EBUSY_two_coroutines, "a second coroutine using the same direction meanwhile: EBUSY, which changes nothing") { ds_check_ebusy(ds_brecvl, false); }
DS_TEST(brecvl, ETIMEDOUT_deadline_0, "deadline 0 when the transfer cannot complete now: ETIMEDOUT without blocking") { ds_check_deadline_0(ds_brecvl, false); }
DS_TEST(brecvl, ETIMEDOUT_past_deadline, "a deadline already past acts like 0: ETIMEDOUT without blocking") { ds_check_deadline_past(ds_brecvl, false); }
DS_TEST(brecvl, ETIMEDOUT_timed, "a timed deadline: ETIMEDOUT, neither early nor much late") { ds_check_deadline_timed(ds_brecvl, false); }
DS_TEST(brecvl, deadline_infinite_waits_for_peer, "deadline -1 blocks until the peer makes the transfer possible, and not less") { ds_check_deadline_infinite(ds_brecvl, false); }
DS_TEST(brecvl, unusable_after_timeout, "after a timeout the direction cannot be used from then on: ECONNRESET, though the bytes then arrived") { ds_check_unusable_after_timeout(ds_brecvl, false); }
DS_TEST(brecvl, roundtrip_pair, "receives exactly the bytes sent (ipc_pair)") { ds_check_roundtrip(ds_bsendl, ds_brecvl, DS_PAIR); }
DS_TEST(brecvl, EPIPE_after_peer_done, "the peer half-closed and all data was read: EPIPE") { ds_check_recv_epipe(ds_brecvl); }
DS_TEST(brecvl, EPIPE_after_short_read, "the peer's done that came while nobody waited still ends a receive that read the rest: EPIPE") { ds_check_recv_epipe_after_short_read(ds_brecvl); }
DS_TEST(brecvl, EPIPE_done_before_drain, "the peer's done came before a receive took all there was: the next receive gets EPIPE, it does not wait") { ds_check_recv_epipe_done_before_drain(ds_brecvl); }
DS_TEST(brecvl, EPIPE_after_drain_peer_closed, "the peer closes after a receive took all there was: the next receive gets EPIPE, it does not wait") { ds_check_recv_epipe_after_drain_peer_closed(ds_brecvl); }
DS_TEST(brecvl, fd_byte_after_drain, "a descriptor's byte sent after a receive took all there was arrives, though the scheduler looked at the fds first") { ds_check_recv_fd_byte_after_drain(ds_brecvl); }
DS_TEST(brecvl, no_partial_receive, "no partial receive: a short read fails and the direction stays failed (ECONNRESET)") { ds_check_recv_no_partial(ds_brecvl); }
DS_TEST(brecvl, null_buffer_discards, "a NULL buffer receives and drops the bytes") { ds_check_recv_discard(ds_brecvl); }
DS_TEST(brecvl, ETIMEDOUT_null_buffer, "a NULL buffer still needs its bytes: deadline 0 with none there gives ETIMEDOUT") { ds_check_recv_discard_waits(ds_brecvl); }
DS_TEST(brecvl, EPIPE_null_buffer_after_done, "a NULL buffer past the peer's done: EPIPE") { ds_check_recv_discard_epipe(ds_brecvl); }
DS_TEST(brecvl, EINVAL_last_has_next, "last->iol_next is not NULL: EINVAL, list unchanged") { ds_check_iolist_einval(brecvl, DS_LAST_HAS_NEXT); }
DS_TEST(brecvl, EINVAL_not_same_list, "first and last do not belong to the same list: EINVAL, list unchanged") { ds_check_iolist_einval(brecvl, DS_NOT_SAME_LIST); }
DS_TEST(brecvl, EINVAL_loop, "a loop in the list: EINVAL, list unchanged") { ds_check_iolist_einval(brecvl, DS_LOOP); }
DS_TEST(brecvl, EINVAL_rsvd_nonzero, "iol_rsvd of an item is not zero: EINVAL, list unchanged") { ds_check_iolist_einval(brecvl, DS_RSVD); }
DS_TEST(brecvl, EINVAL_null_first, "first is NULL: EINVAL") { ds_check_iolist_einval(brecvl, DS_NULL_FIRST); }
DS_TEST(brecvl, EINVAL_null_last, "last is NULL: EINVAL") { ds_check_iolist_einval(brecvl, DS_NULL_LAST); }
DS_TEST(brecvl, list_restored, "once the call returns the list is as before the call") { ds_check_iolist_restored(brecvl, false); }
DS_TEST(brecvl, null_base_skips, "an item with NULL iol_base skips iol_len bytes") { ds_check_iolist_skip(); }
DS_TEST(brecvl, big_transfer_intact, "64 MiB sent with bsendl arrive intact through brecvl") { ds_check_big_transfer(bsendl, brecvl); }
DS_TEST(brecvl, ECONNRESET_peer_reset, "the peer closed with our bytes unread (a reset): ECONNRESET, not EPIPE") { ds_check_recv_peer_reset(ds_brecvl); }
DS_TEST(brecvl, EINVAL_rsvd_first, "iol_rsvd of the first item is not zero: EINVAL, list unchanged, waiting bytes kept") { ds_check_iolist_einval(brecvl, DS_RSVD_FIRST); }
DS_TEST(brecvl, EINVAL_rsvd_last, "iol_rsvd of the last item is not zero: EINVAL, list unchanged, waiting bytes kept") { ds_check_iolist_einval(brecvl, DS_RSVD_LAST); }
DS_TEST(brecvl, EINVAL_loop_self, "the first item points to itself (a loop): EINVAL, list unchanged") { ds_check_iolist_einval(brecvl, DS_LOOP_SELF); }
DS_TEST(brecvl, EINVAL_after_failed_receive, "argument errors come first: a malformed list after a failed receive is EINVAL, not ECONNRESET") { ds_check_einval_first(brecvl, DS_AFTER_FAILED_RECV); }
DS_TEST(brecvl, EINVAL_after_peer_done, "argument errors come first: a malformed list after the peer's end of stream is EINVAL, not EPIPE") { ds_check_einval_first(brecvl, DS_AFTER_PEER_DONE); }
DS_TEST(brecvl, null_buffer_64KiB, "NULL iol_base drops exactly 64 KiB, the bytes after them follow") { ds_check_recv_discard_big(ds_brecvl, 64u << 10); }
DS_TEST(brecvl, null_buffer_1MiB, "NULL iol_base drops exactly 1 MiB, the bytes after them follow") { ds_check_recv_discard_big(ds_brecvl, 1u << 20); }
DS_TEST(brecvl, large_list_first_last_byte, "a list of 3000 items (more than IOV_MAX): its first, last and every byte land in place") { ds_check_large_list(bsendl, brecvl); }
DS_TEST(brecvl, spans_kernel_buffers, "one brecvl of 4 MiB, many socket buffers, receives exactly the bytes sent") { ds_check_spans_kernel_buffers(ds_bsendl, ds_brecvl); }
DS_TEST(brecvl, EBADF_zero_length, "a zero-length call on a closed handle: EBADF") { ds_check_ebadf(ds_brecvl0, ds_closed_handle()); }
DS_TEST(brecvl, ENOTSUP_zero_length, "a zero-length call on a listener: ENOTSUP") { ds_check_enotsup(ds_brecvl0, 0); }
DS_TEST(brecvl, EBUSY_zero_length, "a zero-length call while another coroutine receives: EBUSY, which changes nothing") { ds_check_ebusy_with(ds_brecvl, ds_brecvl0, false); }
DS_TEST(brecvl, ECONNRESET_zero_length_after_timeout, "a zero-length call on a direction failed by a timeout, with bytes waiting: ECONNRESET") { ds_check_after_timeout(ds_brecvl, ds_brecvl0, false); }
DS_TEST(brecvl, EPIPE_zero_length_after_end, "a zero-length call after a receive met the peer's end of stream: EPIPE") { ds_check_recv_epipe_stays(ds_brecvl0); }
DS_TEST(brecvl, ECANCELED_zero_length, "a zero-length call in a coroutine already canceled: ECANCELED") { ds_check_ecanceled_after(ds_brecvl0); }
