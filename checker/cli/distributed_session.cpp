#include "checker/cli/distributed_session.h"

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string_view>
#include <system_error>
#include <unistd.h>

#include "model/input_error.h"

#ifdef RSEQCHECK_HAVE_MPI
#include <mpi.h>
#endif

namespace rseqcheck::cli {

std::string distributed_unavailable_message() {
    return "--distributed needs rseqcheck-mpi, built beside rseqcheck when CMake finds MPI: "
           "apt-get install libopenmpi-dev openmpi-bin, configure again (scripts/test) and run "
           "it under mpirun";
}

#ifdef RSEQCHECK_HAVE_MPI

DistributedSession::DistributedSession(bool distributed) : active_(distributed) {
    if (!active_)
        return;
    int provided = 0;
    // Rank 0 may run the leads-to checks on threads; only the main thread calls MPI.
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
}

DistributedSession::~DistributedSession() {
    if (active_)
        MPI_Finalize();
}

CheckPlan DistributedSession::plan(const CheckArgs& args) const {
    if (!active_)
        return plan_check(args);
    std::optional<CheckPlan> plan;
    std::exception_ptr error;
    try {
        plan = plan_check(args);
    } catch (const InputError&) {
        error = std::current_exception();
    }
    int mine = error ? 1 : 0;
    int any = 0;
    MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (error)
        std::rethrow_exception(error);
    if (any != 0) {
        throw InputError({}, "another rank rejected the input (a file that only this rank can "
                             "read?); its message is on its standard error");
    }
    return *plan;
}

CheckReport DistributedSession::search(const std::function<CheckReport()>& run) const {
    if (!active_)
        return run();
    try {
        return run();
    } catch (const std::exception& e) {
        std::cerr << "rseqcheck: internal error: rank " << rank_ << ": " << e.what() << "\n";
    } catch (...) {
        std::cerr << "rseqcheck: internal error: rank " << rank_ << ": unknown exception\n";
    }
    std::cerr.flush();
    MPI_Abort(MPI_COMM_WORLD, 4);
    std::abort();  // MPI_Abort does not return
}

int distributed_rank() {
    int initialised = 0;
    int finalised = 0;
    MPI_Initialized(&initialised);
    MPI_Finalized(&finalised);
    if (initialised == 0 || finalised != 0)
        return 0;
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

#else

// Reached with --distributed only when main() found no rseqcheck-mpi to run instead.
DistributedSession::DistributedSession(bool distributed) {
    if (distributed)
        throw InputError({}, distributed_unavailable_message());
}
// Not `= default`: the class is the same in both builds, and the MPI build's finalises MPI.
DistributedSession::~DistributedSession() {}  // NOLINT(modernize-use-equals-default)
CheckPlan DistributedSession::plan(const CheckArgs& args) const {
    return plan_check(args);
}
CheckReport DistributedSession::search(const std::function<CheckReport()>& run) const {
    return run();
}
int distributed_rank() {
    return 0;
}

#endif

bool wants_distributed(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--distributed")
            return true;
    }
    return false;
}

void exec_distributed(char** argv) {
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        return;
    const std::string mpi = (self.parent_path() / "rseqcheck-mpi").string();
    if (access(mpi.c_str(), X_OK) != 0)
        return;
    execv(mpi.c_str(), argv);  // returns only on failure
}

bool quiet_distributed_rank(int argc, const char* const* argv) {
    if (!wants_distributed(argc, argv))
        return false;
    // Open MPI, PMIx, MPICH (PMI) and Slurm's srun each set one of these for every rank.
    for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0')
            return std::string_view(value) != "0";
    }
    return false;
}

}  // namespace rseqcheck::cli
