#define _GNU_SOURCE
#include "csupport.h"
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <poll.h>
#include <time.h>
#include <errno.h>

int cb_set_parent_death_signal(int sig) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0);
}

static volatile sig_atomic_t cb_flags[65];

static void cb_flag_handler(int sig) {
    if (sig > 0 && sig < 65) cb_flags[sig] = 1;
}

int cb_install_flag_handler(int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cb_flag_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
    return sigaction(sig, &sa, NULL);
}

int cb_signal_flag(int sig) { return (sig > 0 && sig < 65) ? cb_flags[sig] : 0; }
void cb_clear_signal_flag(int sig) { if (sig > 0 && sig < 65) cb_flags[sig] = 0; }

int cb_memfd_create(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

uint64_t cb_atomic_load_u64(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
void cb_atomic_store_u64(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
uint64_t cb_atomic_add_u64(uint64_t *p, uint64_t v) { return __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST); }
uint64_t cb_atomic_bump_u64(uint64_t *p, uint64_t v) {
    uint64_t old = __atomic_load_n(p, __ATOMIC_SEQ_CST), next;
    do {
        next = old + 1 > v ? old + 1 : v;
    } while (!__atomic_compare_exchange_n(p, &old, next, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return next;
}

int cb_atomic_cas_u64(uint64_t *p, uint64_t expected, uint64_t desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 1 : 0;
}

int cb_wait_readable(int fd, int timeout_ms) {
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
    sigset_t none;
    sigemptyset(&none);
    struct timespec ts, *tsp = NULL;
    if (timeout_ms >= 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
        tsp = &ts;
    }
    int rc = ppoll(&p, 1, tsp, &none);
    if (rc > 0) return 1;
    return rc;
}

int cb_listen_waiter(int listen_fd) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return -1;
    struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data = { .fd = listen_fd } };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) != 0) {
        close(ep);
        return -1;
    }
    return ep;
}

int cb_wait_listen(int waiter, int timeout_ms) {
    struct epoll_event ev;
    sigset_t none;
    sigemptyset(&none);
    int rc = epoll_pwait(waiter, &ev, 1, timeout_ms, &none);
    if (rc > 0) return 1;
    return rc;
}

int cb_stop_signal_pending(void) {
    sigset_t pending;
    if (sigpending(&pending) != 0) return 0;
    return sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1;
}

int cb_signal_pending(int sig) {
    sigset_t pending;
    if (sigpending(&pending) != 0) return 0;
    return sigismember(&pending, sig) == 1;
}

int cb_block_signal(int sig, int block) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    return sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

uint64_t cb_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void cb_master_set(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGQUIT);
}

int cb_block_master_signals(void) {
    sigset_t set;
    cb_master_set(&set);
    return sigprocmask(SIG_BLOCK, &set, NULL);
}

int cb_wait_master_signal(int timeout_ms) {
    sigset_t set;
    cb_master_set(&set);
    struct timespec ts = { .tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L };
    int sig = sigtimedwait(&set, NULL, &ts);
    if (sig < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
    return sig;
}

int cb_spawn_close_from(posix_spawn_file_actions_t *actions, int lowfd) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowfd);
}

short cb_spawn_setsid_flag(void) { return POSIX_SPAWN_SETSID; }

const void *cb_memrchr(const void *s, int c, size_t n) {
    return memrchr(s, c, n);
}

const void *cb_memmem(const void *haystack, size_t m, const void *needle, size_t n) {
    return memmem(haystack, m, needle, n);
}
