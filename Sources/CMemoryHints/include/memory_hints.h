#ifndef LOCKSTEP_MEMORY_HINTS_H
#define LOCKSTEP_MEMORY_HINTS_H

// Swift has no prefetch instruction. Merging a worker's ids into tables of millions of entries is
// bound by cache misses, one per lookup; asking for the slot of a lookup a few iterations ahead
// lets those misses overlap instead of queueing.
static inline void lockstep_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
