#ifndef CACHE_PREFETCH_H
#define CACHE_PREFETCH_H

/// Asks the CPU to start loading the cache line at `address` (a hint: it never faults and
/// never waits). Swift has no prefetch of its own; the checker's visited table uses this one.
static inline void cache_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
