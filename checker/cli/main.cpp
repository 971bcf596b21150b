// The rseqcheck command. The one place that maps failures to exit codes (STYLE.md 7):
// 0 all hold, 1 violated, 2 bad input, 3 incomplete or unavailable, 4 internal error (a bug
// of rseqcheck, or a model limit its checks caught), so that CI can tell a memory-limit stop
// from a crash.
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "checker/cli/commands.h"
#include "checker/cli/distributed_session.h"
#include "model/input_error.h"
#include "model/scenario_file.h"

namespace {

/// `file:line:col: error: msg`, then the line and a caret under the column when the file
/// can be read again; `rseqcheck: error: msg` for command-line values.
void print_input_error(const rseqcheck::InputError& e) {
    const rseqcheck::SourceLocation& at = e.where();
    if (at.file.empty()) {
        std::cerr << "rseqcheck: error: " << e.what() << "\n";
        return;
    }
    if (at.line <= 0) {
        std::cerr << at.file << ": error: " << e.what() << "\n";
        return;
    }
    std::cerr << at.file << ":" << at.line << ":" << at.column << ": error: " << e.what() << "\n";
    std::ifstream in(at.file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string line = rseqcheck::source_line(text.str(), at.line);
    if (line.empty())
        return;
    std::string caret;
    for (int i = 1; i < at.column && static_cast<std::size_t>(i) <= line.size(); ++i)
        caret += line[static_cast<std::size_t>(i - 1)] == '\t' ? '\t' : ' ';
    std::cerr << "  " << line << "\n  " << caret << "^\n";
}

}  // namespace

int main(int argc, char** argv) {
#ifndef RSEQCHECK_HAVE_MPI
    // `check --distributed` runs as rseqcheck-mpi, which links MPI; this binary does not.
    if (rseqcheck::cli::wants_distributed(argc, argv))
        rseqcheck::cli::exec_distributed(argv);
#endif
    try {
        return rseqcheck::cli::run(argc, argv);
    } catch (const rseqcheck::InputError& e) {
        // Under `check --distributed` every rank rejects bad input; rank 0 says why.
        if (!rseqcheck::cli::quiet_distributed_rank(argc, argv))
            print_input_error(e);
        return 2;
    } catch (const rseqcheck::InternalError& e) {
        std::cerr << "rseqcheck: internal error: " << e.what() << "\n";
        return 4;
    } catch (const std::exception& e) {
        std::cerr << "rseqcheck: internal error: " << e.what() << "\n";
        return 4;
    } catch (...) {
        std::cerr << "rseqcheck: internal error: unknown exception\n";
        return 4;
    }
}
