/// \file
/// The rseqcheck commands. run() parses the command line and returns the exit status;
/// bad input throws rseqcheck::InputError (main() maps it to exit 2).
#pragma once

namespace rseqcheck::cli {

int run(int argc, char** argv);

}  // namespace rseqcheck::cli
