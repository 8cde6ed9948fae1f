/* bsend(3). */
#include "bytestream.h"

DS_TEST(bsend, EBADF_minus_one, "s = -1 is an invalid handle: EBADF") { ds_check_ebadf(ds_bsend, -1); }
DS_TEST(bsend, EBADF_out_of_range, "s = 2^30, never issued: EBADF") { ds_check_ebadf(ds_bsend, 1 << 30); }
DS_TEST(bsend, EBADF_closed_handle, "a just-closed handle: EBADF") { ds_check_ebadf(ds_bsend, ds_closed_handle()); }
DS_TEST(bsend, ENOTSUP_listener, "a listener is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_bsend, 0); }
DS_TEST(bsend, ENOTSUP_bundle, "a bundle is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_bsend, 1); }
DS_TEST(bsend, ENOTSUP_coroutine, "a coroutine handle is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_bsend, 2); }
DS_TEST(bsend, ECANCELED_after, "called in a coroutine already canceled: ECANCELED") { ds_check_ecanceled_after(ds_bsend); }
DS_TEST(bsend, ECANCELED_blocked, "blocked in the call when its coroutine is closed: ECANCELED") { ds_check_ecanceled_blocked(ds_bsend, true); }
DS_TEST(bsend, EBUSY_two_coroutines, "a second coroutine using the same direction meanwhile: EBUSY, which changes nothing") { ds_check_ebusy(ds_bsend, true); }
DS_TEST(bsend, ETIMEDOUT_deadline_0, "deadline 0 when the transfer cannot complete now: ETIMEDOUT without blocking") { ds_check_deadline_0(ds_bsend, true); }
DS_TEST(bsend, ETIMEDOUT_past_deadline, "a deadline already past acts like 0: ETIMEDOUT without blocking") { ds_check_deadline_past(ds_bsend, true); }
DS_TEST(bsend, ETIMEDOUT_timed, "a timed deadline: ETIMEDOUT, neither early nor much late") { ds_check_deadline_timed(ds_bsend, true); }
DS_TEST(bsend, deadline_infinite_waits_for_peer, "deadline -1 blocks until the peer makes the transfer possible, and not less") { ds_check_deadline_infinite(ds_bsend, true); }
DS_TEST(bsend, unusable_after_timeout, "after a timeout the direction cannot be used from then on: ECONNRESET, though the peer made room") { ds_check_unusable_after_timeout(ds_bsend, true); }
DS_TEST(bsend, roundtrip_pair, "no partial send: every byte sent arrives, unchanged (ipc_pair)") { ds_check_roundtrip(ds_bsend, ds_brecv, DS_PAIR); }
DS_TEST(bsend, roundtrip_listen_connect, "every byte sent arrives, unchanged (ipc_listen/ipc_connect)") { ds_check_roundtrip(ds_bsend, ds_brecv, DS_LISTEN_CONNECT); }
DS_TEST(bsend, roundtrip_fromfd, "every byte sent arrives, unchanged (ipc_fromfd)") { ds_check_roundtrip(ds_bsend, ds_brecv, DS_FROMFD); }
DS_TEST(bsend, ECONNRESET_peer_closed, "sending to a peer that closed: ECONNRESET, a broken connection (EPIPE is an orderly end, reading 3)") { ds_check_send_peer_closed(ds_bsend); }
DS_TEST(bsend, EINVAL_null_buffer, "len > 0 bytes from a NULL buffer: EINVAL (invalid argument), and the connection still works both ways") { ds_check_bsend_null_buffer(false); }
DS_TEST(bsend, EINVAL_null_buffer_after_done, "argument errors come first: a NULL buffer after ipc_done is EINVAL, not EPIPE") { ds_check_bsend_null_buffer(true); }
DS_TEST(bsend, EPIPE_after_done, "after our own ipc_done the connection is closed for sending: EPIPE") { ds_check_send_epipe_after_done(ds_bsend); }
DS_TEST(bsend, spans_kernel_buffers, "one bsend of 4 MiB, many socket buffers, arrives whole and unchanged") { ds_check_spans_kernel_buffers(ds_bsend, ds_brecv); }
DS_TEST(bsend, EBADF_zero_length, "a zero-length call on a closed handle: EBADF") { ds_check_ebadf(ds_bsend0, ds_closed_handle()); }
DS_TEST(bsend, ENOTSUP_zero_length, "a zero-length call on a listener: ENOTSUP") { ds_check_enotsup(ds_bsend0, 0); }
DS_TEST(bsend, EBUSY_zero_length, "a zero-length call while another coroutine sends: EBUSY, which changes nothing") { ds_check_ebusy_with(ds_bsend, ds_bsend0, true); }
DS_TEST(bsend, ECONNRESET_zero_length_after_timeout, "a zero-length call on a direction failed by a timeout, with room again: ECONNRESET") { ds_check_after_timeout(ds_bsend, ds_bsend0, true); }
DS_TEST(bsend, EPIPE_zero_length_after_done, "a zero-length call after our own ipc_done: EPIPE") { ds_check_send_epipe_after_done(ds_bsend0); }
DS_TEST(bsend, ECANCELED_zero_length, "a zero-length call in a coroutine already canceled: ECANCELED") { ds_check_ecanceled_after(ds_bsend0); }
