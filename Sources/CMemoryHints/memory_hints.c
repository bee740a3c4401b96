#include "memory_hints.h"

// The header's functions are inline; this file gives the target the source file SwiftPM needs.
void lockstep_memory_hints_linked(void) {}
