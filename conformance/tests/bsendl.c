/* bsendl(3). */
#include "bytestream.h"

DS_TEST(bsendl, EBADF_minus_one, "s = -1 is an invalid handle: EBADF") { ds_check_ebadf(ds_bsendl, -1); }
DS_TEST(bsendl, EBADF_out_of_range, "s = 2^30, never issued: EBADF") { ds_check_ebadf(ds_bsendl, 1 << 30); }
DS_TEST(bsendl, EBADF_closed_handle, "a just-closed handle: EBADF") { ds_check_ebadf(ds_bsendl, ds_closed_handle()); }
DS_TEST(bsendl, ENOTSUP_listener, "a listener is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_bsendl, 0); }
DS_TEST(bsendl, ENOTSUP_bundle, "a bundle is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_bsendl, 1); }
DS_TEST(bsendl, ENOTSUP_coroutine, "a coroutine handle is not a bytestream: ENOTSUP") { ds_check_enotsup(ds_bsendl, 2); }
DS_TEST(bsendl, ECANCELED_after, "called in a coroutine already canceled: ECANCELED") { ds_check_ecanceled_after(ds_bsendl); }
DS_TEST(bsendl, ECANCELED_blocked, "blocked in the call when its coroutine is closed: ECANCELED") { ds_check_ecanceled_blocked(ds_bsendl, true); }
DS_TEST(bsendl, EBUSY_two_coroutines, "a second coroutine using the same direction meanwhile: EBUSY, which changes nothing") { ds_check_ebusy(ds_bsendl, true); }
DS_TEST(bsendl, ETIMEDOUT_deadline_0, "deadline 0 when the transfer cannot complete now: ETIMEDOUT without blocking") { ds_check_deadline_0(ds_bsendl, true); }
DS_TEST(bsendl, ETIMEDOUT_past_deadline, "a deadline already past acts like 0: ETIMEDOUT without blocking") { ds_check_deadline_past(ds_bsendl, true); }
DS_TEST(bsendl, ETIMEDOUT_timed, "a timed deadline: ETIMEDOUT, neither early nor much late") { ds_check_deadline_timed(ds_bsendl, true); }
DS_TEST(bsendl, deadline_infinite_waits_for_peer, "deadline -1 blocks until the peer makes the transfer possible, and not less") { ds_check_deadline_infinite(ds_bsendl, true); }
DS_TEST(bsendl, unusable_after_timeout, "after a timeout the direction cannot be used from then on: ECONNRESET, though the peer made room") { ds_check_unusable_after_timeout(ds_bsendl, true); }
DS_TEST(bsendl, roundtrip_pair, "no partial send: every byte sent arrives, unchanged (ipc_pair)") { ds_check_roundtrip(ds_bsendl, ds_brecvl, DS_PAIR); }
DS_TEST(bsendl, roundtrip_listen_connect, "every byte sent arrives, unchanged (ipc_listen/ipc_connect)") { ds_check_roundtrip(ds_bsendl, ds_brecvl, DS_LISTEN_CONNECT); }
DS_TEST(bsendl, roundtrip_fromfd, "every byte sent arrives, unchanged (ipc_fromfd)") { ds_check_roundtrip(ds_bsendl, ds_brecvl, DS_FROMFD); }
DS_TEST(bsendl, ECONNRESET_peer_closed, "sending to a peer that closed: ECONNRESET, a broken connection (EPIPE is an orderly end, reading 3)") { ds_check_send_peer_closed(ds_bsendl); }
DS_TEST(bsendl, EINVAL_last_has_next, "last->iol_next is not NULL: EINVAL, list unchanged") { ds_check_iolist_einval(bsendl, DS_LAST_HAS_NEXT); }
DS_TEST(bsendl, EINVAL_not_same_list, "first and last do not belong to the same list: EINVAL, list unchanged") { ds_check_iolist_einval(bsendl, DS_NOT_SAME_LIST); }
DS_TEST(bsendl, EINVAL_loop, "a loop in the list: EINVAL, list unchanged") { ds_check_iolist_einval(bsendl, DS_LOOP); }
DS_TEST(bsendl, EINVAL_rsvd_nonzero, "iol_rsvd of an item is not zero: EINVAL, list unchanged") { ds_check_iolist_einval(bsendl, DS_RSVD); }
DS_TEST(bsendl, EINVAL_null_first, "first is NULL: EINVAL") { ds_check_iolist_einval(bsendl, DS_NULL_FIRST); }
DS_TEST(bsendl, EINVAL_null_last, "last is NULL: EINVAL") { ds_check_iolist_einval(bsendl, DS_NULL_LAST); }
DS_TEST(bsendl, list_restored, "once the call returns the list is as before the call") { ds_check_iolist_restored(bsendl, true); }
DS_TEST(bsendl, EPIPE_after_done, "after our own ipc_done the connection is closed for sending: EPIPE") { ds_check_send_epipe_after_done(ds_bsendl); }
DS_TEST(bsendl, EINVAL_null_base, "an item of iol_len > 0 with a NULL iol_base (skipping is for receiving only): EINVAL, list unchanged") { ds_check_iolist_einval(bsendl, DS_NULL_BASE); }
DS_TEST(bsendl, EINVAL_rsvd_first, "iol_rsvd of the first item is not zero: EINVAL, list unchanged, connection unchanged") { ds_check_iolist_einval(bsendl, DS_RSVD_FIRST); }
DS_TEST(bsendl, EINVAL_rsvd_last, "iol_rsvd of the last item is not zero: EINVAL, list unchanged, connection unchanged") { ds_check_iolist_einval(bsendl, DS_RSVD_LAST); }
DS_TEST(bsendl, EINVAL_loop_self, "the first item points to itself (a loop): EINVAL, list unchanged") { ds_check_iolist_einval(bsendl, DS_LOOP_SELF); }
DS_TEST(bsendl, EINVAL_after_done, "argument errors come first: a malformed list after ipc_done is EINVAL, not EPIPE") { ds_check_einval_first(bsendl, DS_AFTER_DONE); }
DS_TEST(bsendl, EINVAL_after_failed_send, "argument errors come first: a malformed list after a failed send is EINVAL, not ECONNRESET") { ds_check_einval_first(bsendl, DS_AFTER_FAILED_SEND); }
DS_TEST(bsendl, large_list_first_last_byte, "a list of 3000 items (more than IOV_MAX): its first, last and every byte arrive in place") { ds_check_large_list(bsendl, brecvl); }
DS_TEST(bsendl, spans_kernel_buffers, "one bsendl of 4 MiB, many socket buffers, arrives whole and unchanged") { ds_check_spans_kernel_buffers(ds_bsendl, ds_brecvl); }
DS_TEST(bsendl, EBADF_zero_length, "a zero-length call on a closed handle: EBADF") { ds_check_ebadf(ds_bsendl0, ds_closed_handle()); }
DS_TEST(bsendl, ENOTSUP_zero_length, "a zero-length call on a listener: ENOTSUP") { ds_check_enotsup(ds_bsendl0, 0); }
DS_TEST(bsendl, EBUSY_zero_length, "a zero-length call while another coroutine sends: EBUSY, which changes nothing") { ds_check_ebusy_with(ds_bsendl, ds_bsendl0, true); }
DS_TEST(bsendl, ECONNRESET_zero_length_after_timeout, "a zero-length call on a direction failed by a timeout, with room again: ECONNRESET") { ds_check_after_timeout(ds_bsendl, ds_bsendl0, true); }
DS_TEST(bsendl, EPIPE_zero_length_after_done, "a zero-length call after our own ipc_done: EPIPE") { ds_check_send_epipe_after_done(ds_bsendl0); }
DS_TEST(bsendl, ECANCELED_zero_length, "a zero-length call in a coroutine already canceled: ECANCELED") { ds_check_ecanceled_after(ds_bsendl0); }
