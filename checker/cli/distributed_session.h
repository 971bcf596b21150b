/// \file
/// The MPI side of `check --distributed`: MPI_Init only when the option is given (a plain
/// `check` never touches MPI), the input validated on every rank with one verdict, a search
/// whose failure on one rank ends the whole job instead of leaving the others waiting, and
/// MPI_Finalize. Without MPI in the build, asking for it is bad input that says how to get it.
#pragma once

#include <functional>
#include <string>

#include "checker/cli/check_search.h"

namespace rseqcheck::cli {

class DistributedSession {
public:
    /// Initialises MPI when `distributed`; throws InputError if rseqcheck was built without it.
    explicit DistributedSession(bool distributed);
    ~DistributedSession();
    DistributedSession(const DistributedSession&) = delete;
    DistributedSession& operator=(const DistributedSession&) = delete;
    DistributedSession(DistributedSession&&) = delete;
    DistributedSession& operator=(DistributedSession&&) = delete;

    /// plan_check() on every rank. If any rank rejects the input, every rank throws
    /// InputError; main() prints it on rank 0 only (quiet_distributed_rank()).
    CheckPlan plan(const CheckArgs& args) const;
    /// Runs the search. Distributed, an exception on one rank ends every rank with
    /// MPI_Abort (exit 4) after printing it: the others would wait for this one forever.
    CheckReport search(const std::function<CheckReport()>& run) const;
    /// Whether this process writes the report: not distributed, or rank 0.
    bool prints() const { return rank_ == 0; }

private:
    bool active_ = false;
    int rank_ = 0;
};

/// This process's MPI rank under `check --distributed`; 0 otherwise.
int distributed_rank();
/// What --distributed says when rseqcheck was built without MPI.
std::string distributed_unavailable_message();
/// Whether the command line asks for `--distributed`.
bool wants_distributed(int argc, const char* const* argv);
/// Replaces this process by the rseqcheck-mpi beside its binary, with the same arguments
/// (checker/cli/CMakeLists.txt); returns only if there is none to run.
void exec_distributed(char** argv);
/// Whether this process is a rank other than 0 of a `--distributed` run, judged from the
/// command line and the environment that mpirun or srun set (known before MPI_Init, so that
/// an error in the command line itself is printed once).
bool quiet_distributed_rank(int argc, const char* const* argv);

}  // namespace rseqcheck::cli
