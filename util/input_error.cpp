#include "util/input_error.h"

#include <string>

namespace rseqcheck {

void internal_check_failed(const char* file, int line, const char* what) {
    throw InternalError(std::string(file) + ":" + std::to_string(line) + ": " + what);
}

}  // namespace rseqcheck
