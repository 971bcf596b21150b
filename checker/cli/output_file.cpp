#include "checker/cli/output_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "model/input_error.h"

namespace rseqcheck::cli {

namespace fs = std::filesystem;

void check_output_path(const std::string& path) {
    if (path.empty())
        throw InputError({}, "empty output path");
    const fs::path p(path);
    std::error_code ec;
    if (fs::is_directory(p, ec))
        throw InputError({}, "output path '" + path + "' is a directory");
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec)) {
        throw InputError({}, "cannot write '" + path + "': directory '" + dir.string() +
                                 "' does not exist");
    }
}

void write_file_atomically(const std::string& path, const std::string& content) {
    check_output_path(path);
    const std::string partial = path + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (out) {
            out.write(content.data(), static_cast<std::streamsize>(content.size()));
            out.flush();
        }
        if (!out) {
            const std::string why = std::strerror(errno);
            std::error_code ec;
            fs::remove(partial, ec);
            throw InputError({}, "cannot write '" + path + "': " + why);
        }
    }
    std::error_code ec;
    fs::rename(partial, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(partial, ignored);
        throw InputError({}, "cannot write '" + path + "': " + ec.message());
    }
}

}  // namespace rseqcheck::cli
