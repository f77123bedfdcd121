#ifndef CORKBOARD_CSUPPORT_H
#define CORKBOARD_CSUPPORT_H
#include <stdint.h>
#include <sys/types.h>
#include <spawn.h>

/// prctl(PR_SET_PDEATHSIG, sig): prctl is variadic, so Swift cannot call it directly.
int cb_set_parent_death_signal(int sig);

/// Installs a handler (without SA_RESTART, so a blocking accept() returns EINTR) for sig that
/// only records that the signal arrived.
int cb_install_flag_handler(int sig);
/// Whether the flag handler saw sig since the last cb_clear_signal_flag(sig).
int cb_signal_flag(int sig);
void cb_clear_signal_flag(int sig);

/// memrchr (a GNU extension Swift's Glibc module does not declare): the last byte c in the
/// n bytes at s, or NULL.
const void *cb_memrchr(const void *s, int c, size_t n);

/// memmem (a GNU extension too): the first occurrence of the needle's n bytes in the haystack's
/// m bytes, or NULL.
const void *cb_memmem(const void *haystack, size_t m, const void *needle, size_t n);

/// memfd_create wrapper (anonymous shared memory that child processes inherit by fd).
int cb_memfd_create(const char *name);

/// Sequentially consistent atomics on shared (mmap'd) memory.
uint64_t cb_atomic_load_u64(const uint64_t *p);
void cb_atomic_store_u64(uint64_t *p, uint64_t v);
uint64_t cb_atomic_add_u64(uint64_t *p, uint64_t v);
/// Raises *p to max(*p + 1, v) atomically (compare-and-swap loop); returns the new value.
uint64_t cb_atomic_bump_u64(uint64_t *p, uint64_t v);
/// Sets *p to `desired` if it holds `expected`; returns 1 when it did.
int cb_atomic_cas_u64(uint64_t *p, uint64_t expected, uint64_t desired);

/// Waits until fd is readable, with every signal unblocked for the duration of the wait only
/// (ppoll), so a blocked SIGTERM interrupts the wait but never a read/write elsewhere.
/// timeout_ms < 0 waits forever. Returns 1 readable, 0 timeout, -1 with errno (EINTR).
int cb_wait_readable(int fd, int timeout_ms);
/// An epoll instance watching the shared listen socket with EPOLLEXCLUSIVE, so a new connection
/// wakes one waiting worker instead of all of them (poll() on a shared socket wakes every
/// worker, and all but one find nothing to accept). -1 on failure.
int cb_listen_waiter(int listen_fd);
/// Like cb_wait_readable for a cb_listen_waiter: epoll_pwait with every signal unblocked for
/// the wait only. 1 when a connection is waiting, 0 on timeout, -1 with errno (EINTR on a signal).
int cb_wait_listen(int waiter, int timeout_ms);
/// Whether SIGTERM or SIGINT is pending (blocked, not yet delivered): one sigpending() call.
int cb_stop_signal_pending(void);
/// Whether sig is pending (blocked and not yet delivered) for this thread or process.
int cb_signal_pending(int sig);
/// Blocks (how=1) or unblocks (how=0) one signal in the calling thread.
int cb_block_signal(int sig, int block);
/// CLOCK_MONOTONIC in nanoseconds (system-wide, so comparable across processes).
uint64_t cb_monotonic_ns(void);
/// Waits up to timeout_ms for one of SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT (which must be
/// blocked); returns the signal number, 0 on timeout, -1 on error.
int cb_wait_master_signal(int timeout_ms);
/// Blocks SIGCHLD, SIGTERM, SIGINT, SIGHUP and SIGQUIT in the calling thread.
int cb_block_master_signals(void);

/// posix_spawn_file_actions_addclosefrom_np (a GNU extension Swift does not see): the child
/// closes every descriptor from lowfd up.
int cb_spawn_close_from(posix_spawn_file_actions_t *actions, int lowfd);
/// POSIX_SPAWN_SETSID (a GNU flag): the child starts a session of its own.
short cb_spawn_setsid_flag(void);

#endif
