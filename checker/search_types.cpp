#include "checker/search_types.h"

#include <fstream>
#include <string>

namespace rseqcheck::checker {

std::size_t peak_rss_bytes() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            std::size_t kib = 0;
            status >> kib;
            return kib * 1024;
        }
        std::getline(status, key);
    }
    return 0;
}

}  // namespace rseqcheck::checker
