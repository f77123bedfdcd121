#ifndef CORKBOARD_FUZZ_DRIVER_H
#define CORKBOARD_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point, defined in Swift (CorkboardFuzz/FuzzEntry.swift).
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
