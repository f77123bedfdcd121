#define _GNU_SOURCE
#include "csupport.h"
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

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
int64_t cb_atomic_load_i64(const int64_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
void cb_atomic_store_i64(int64_t *p, int64_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
