// The rseqcheck command: check, list, --version. The one place that maps failures to exit
// codes: 0 all hold, 1 violated, 2 bad input, 3 incomplete or internal error.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "checker/cli/check_command.h"
#include "model/input_error.h"

int main(int argc, char** argv) {
    try {
        return rseqcheck::cli::run(argc, argv);
    } catch (const rseqcheck::InputError& e) {
        const auto& at = e.where();
        if (at.file.empty()) {
            std::cerr << "rseqcheck: error: " << e.what() << "\n";
        } else {
            std::cerr << at.file << ":" << at.line << ":" << at.column << ": error: " << e.what()
                      << "\n";
        }
        return 2;
    } catch (const rseqcheck::InternalError& e) {
        std::cerr << "rseqcheck: internal error: " << e.what() << "\n";
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "rseqcheck: internal error: " << e.what() << "\n";
        return 3;
    } catch (...) {
        std::cerr << "rseqcheck: internal error: unknown exception\n";
        return 3;
    }
}
