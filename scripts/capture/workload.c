// The workload scripts/capture-trace.sh runs in the guest: threads on every CPU that touch
// memory, and in turn munmap, mprotect, madvise(MADV_DONTNEED) and write it again, a fork whose
// child writes (copy-on-write), and pages first touched on one NUMA node and then used from the
// other (NUMA balancing's hinting faults and migrations). Small on purpose: a capture of a few
// thousand flushes is test data, not a benchmark.
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

static void *worker(void *arg) {
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

int main(void) {
    cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 2) cpus = 2;
    shared = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pin(0);
    touch(shared, PAGES, 1);  // first touched on node 0
    pthread_barrier_init(&barrier, NULL, (unsigned)cpus);
    pthread_t threads[64];
    for (int i = 0; i < cpus && i < 64; i++) pthread_create(&threads[i], NULL, worker, (void *)(long)i);
    // Meanwhile a fork: the child writes the shared pages (copy-on-write faults in both).
    pid_t child = fork();
    if (child == 0) {
        touch(shared, PAGES, 2);
        _exit(0);
    }
    touch(shared, PAGES, 3);
    waitpid(child, NULL, 0);
    for (int i = 0; i < cpus && i < 64; i++) pthread_join(threads[i], NULL);
    printf("workload: %d threads, %d rounds\n", cpus, ROUNDS);
    return 0;
}
