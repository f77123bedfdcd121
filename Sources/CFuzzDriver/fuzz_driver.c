// The fuzz harness's main. SwiftPM links a debug executable with `main` aliased to
// `<module>_main` (so tests can import it), which hides libFuzzer's own main: this one hands
// the command line to libFuzzer's driver instead.
#include "fuzz_driver.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int CorkboardFuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
