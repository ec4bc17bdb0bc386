// The workload scripts/capture-trace.sh runs in the guest, `workload [MODE]`:
//   mixed (default): threads on every CPU that touch memory, and in turn munmap, mprotect,
//     madvise(MADV_DONTNEED) and write it again, a fork whose child writes (copy-on-write), and
//     pages first touched on one NUMA node and then used from the other (NUMA balancing's
//     hinting faults and migrations);
//   madvise: will-it-scale's tlb_flush2: every thread writes its pages of a shared mapping and
//     zaps them, every fourth round after a short sleep (its CPU idles in lazy TLB mode);
//   mprotect: the threads read a shared mapping while each in turn write-protects its part
//     and restores it;
//   munmap: every thread maps, writes and unmaps private mappings of 8 pages and of 48 pages
//     (beyond the 33-page ceiling), and of 2 MiB (its page table is freed);
//   fork: each round the main thread forks a child that writes the shared pages and exits,
//     while the other threads write theirs (copy-on-write faults in the parent).
// Small on purpose: a capture of a few thousand flushes is test data, not a benchmark.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define PAGES 64
#define ROUNDS 10

static int cpus;
static char *shared;  // touched by every thread: the flushes of one thread reach the others
static pthread_barrier_t barrier;

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % cpus, &set);
    sched_setaffinity(0, sizeof set, &set);
}

static void touch(char *p, int pages, char value) {
    for (int i = 0; i < pages; i++) p[i * PAGE] = value;
}

static void *mixed(void *arg) {
    int id = (int)(long)arg;
    pin(id);
    pthread_barrier_wait(&barrier);
    for (int round = 0; round < ROUNDS; round++) {
        // Everyone reads the shared pages, so that each CPU caches them.
        volatile char sum = 0;
        for (int i = 0; i < PAGES; i++) sum += shared[i * PAGE];
        char *own = shared + (id * (PAGES / cpus)) * PAGE;
        int mine = PAGES / cpus;
        switch ((round + id) % 4) {
        case 0:  // zap a page others cached, then fault it in again
            madvise(own, PAGE, MADV_DONTNEED);
            touch(own, 1, (char)round);
            break;
        case 1:  // write-protect and restore
            mprotect(own, mine * PAGE, PROT_READ);
            mprotect(own, mine * PAGE, PROT_READ | PROT_WRITE);
            touch(own, mine, (char)round);
            break;
        case 2: {  // a private mapping of its own, written then unmapped
            char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            touch(p, 8, 1);
            munmap(p, 8 * PAGE);
            break;
        }
        case 3:  // move to the CPU of another node for a while: NUMA hinting migrates the pages
            pin(id + cpus / 2);
            touch(own, mine, (char)round);
            usleep(20000);
            pin(id);
            break;
        }
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}


// A worker's start: pinned to its CPU, its part of the shared pages, and every worker ready.
static char *start_worker(int id, int *mine) {
    pin(id);
    *mine = PAGES / cpus;
    pthread_barrier_wait(&barrier);
    return shared + id * *mine * PAGE;
}

static void *zapper(void *arg) {  // madvise
    int id = (int)(long)arg, mine;
    char *own = start_worker(id, &mine);
    for (int round = 0; round < 4 * ROUNDS; round++) {
        touch(own, mine, (char)round);
        volatile char sum = 0;
        for (int i = 0; i < PAGES; i += 4) sum += shared[i * PAGE];
        if (round % 4 == id % 4) usleep(2000);
        madvise(own, mine * PAGE, MADV_DONTNEED);
    }
    return NULL;
}

static void *protector(void *arg) {  // mprotect
    int id = (int)(long)arg, mine;
    char *own = start_worker(id, &mine);
    for (int round = 0; round < 4 * ROUNDS; round++) {
        volatile char sum = 0;
        for (int i = 0; i < PAGES; i++) sum += shared[i * PAGE];
        if (round % cpus == id) {
            mprotect(own, mine * PAGE, PROT_READ);
            mprotect(own, mine * PAGE, PROT_READ | PROT_WRITE);
            touch(own, mine, (char)round);
        }
        if (round % 8 == id) usleep(1000);
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

static void *unmapper(void *arg) {  // munmap
    int id = (int)(long)arg;
    pin(id);
    pthread_barrier_wait(&barrier);
    for (int round = 0; round < 2 * ROUNDS; round++) {
        int pages = round % 3 == 0 ? 8 : round % 3 == 1 ? 48 : 512;
        char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        touch(p, pages < 48 ? pages : 40, 1);
        volatile char sum = 0;
        for (int i = 0; i < PAGES; i += 2) sum += shared[i * PAGE];
        munmap(p, pages * PAGE);
        if (round % 4 == id % 4) usleep(1000);
    }
    return NULL;
}

static void *writer(void *arg) {  // fork: the parent's threads write their pages each round
    int id = (int)(long)arg;
    pin(id);
    int mine = PAGES / cpus;
    for (int round = 0; round < ROUNDS; round++) {
        pthread_barrier_wait(&barrier);  // the fork happened
        touch(shared + id * mine * PAGE, mine, (char)round);
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

static void forks(void) {
    for (int round = 0; round < ROUNDS; round++) {
        pid_t child = fork();
        if (child == 0) {
            touch(shared, PAGES / 2, 2);
            _exit(0);
        }
        pthread_barrier_wait(&barrier);
        touch(shared, PAGES / cpus, 3);
        waitpid(child, NULL, 0);
        pthread_barrier_wait(&barrier);
    }
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "mixed";
    cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 2) cpus = 2;
    shared = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pin(0);
    touch(shared, PAGES, 1);  // first touched on node 0
    pthread_t threads[64];
    if (strcmp(mode, "fork") == 0) {
        // The main thread is the forker (on cpu0); the others write on cpu1 and up.
        pthread_barrier_init(&barrier, NULL, (unsigned)cpus);
        for (int i = 1; i < cpus && i < 64; i++) pthread_create(&threads[i], NULL, writer, (void *)(long)i);
        forks();
        for (int i = 1; i < cpus && i < 64; i++) pthread_join(threads[i], NULL);
        printf("workload: fork, %d threads, %d rounds\n", cpus, ROUNDS);
        return 0;
    }
    void *(*worker)(void *) = strcmp(mode, "madvise") == 0 ? zapper
                            : strcmp(mode, "mprotect") == 0 ? protector
                            : strcmp(mode, "munmap") == 0 ? unmapper
                                                          : mixed;
    pthread_barrier_init(&barrier, NULL, (unsigned)cpus);
    for (int i = 0; i < cpus && i < 64; i++) pthread_create(&threads[i], NULL, worker, (void *)(long)i);
    if (worker == mixed) {
        // Meanwhile a fork: the child writes the shared pages (copy-on-write faults in both).
        pid_t child = fork();
        if (child == 0) {
            touch(shared, PAGES, 2);
            _exit(0);
        }
        touch(shared, PAGES, 3);
        waitpid(child, NULL, 0);
    }
    for (int i = 0; i < cpus && i < 64; i++) pthread_join(threads[i], NULL);
    printf("workload: %s, %d threads, %d rounds\n", mode, cpus, ROUNDS);
    return 0;
}
