// The rseqcheck command. Bootstrap main until the command line lands (issue 8).
#include <cstdio>

int main() {
    std::puts("rseqcheck " RSEQCHECK_VERSION " (Linux " RSEQCHECK_KERNEL_VERSION " model)");
    return 0;
}
