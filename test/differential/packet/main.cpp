// test/differential/packet/main.cpp: the packet-level differential
// (executable ksock_packet_diff, ctest differential.packet and
// differential.packet.ksock). Every script under the given folders runs in
// a process of its own, several at once: on the kernel, in a network
// namespace of its own (inside a user namespace when the process is not
// privileged), most of a script's time spent waiting for timers, not on a
// core; on ksock, in virtual time (a stack of its own, no namespace).
//
//   ksock_packet_diff [options] PATH...   PATH: a script or a folder of *.pkt
//     --backend=kernel|ksock   the host to run against (kernel)
//     --jobs=N                 scripts at once (8; KSOCK_PACKET_JOBS)
//     --filter=TEXT            only the scripts whose path contains TEXT
//                              (KSOCK_PACKET_FILTER)
//     --tolerance=SECONDS      timing tolerance (0.025; KSOCK_PACKET_TOLERANCE)
//     --expect=FILE            ksock: the scripts that must pass, one a line
//                              (KSOCK_PACKET_EXPECT)
//     --verbose                a line for every script (KSOCK_PACKET_VERBOSE=1)
//     --trace                  every event of every script as it happens, on
//                              stderr (KSOCK_PACKET_TRACE=1); with --jobs=1
//                              to read it
//
// Exit status, kernel: 0 when every script passed, 1 when one failed, 77
// when nothing could run (no namespace, no TUN device): ctest reports that
// as skipped, never as passed. ksock: 1 when a script of the --expect list
// did not pass (or a script did not parse), else 0; the counts of passed,
// failed and unrunnable scripts are printed either way.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <sys/wait.h>

#include "backend.hpp"
#include "runner.hpp"
#include "script.hpp"

namespace fs = std::filesystem;
using namespace ksock_packet;

namespace {

constexpr int exit_skip = 77;
constexpr int report_fd = 250;

bool write_file(const char* path, const std::string& text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
}

//! Moves the calling process into a new network namespace: directly when it
//! may, else inside a new user namespace where it is root. "" or why not.
std::string enter_namespace() {
    if (::unshare(CLONE_NEWNET) == 0)
        return "";
    const int e1 = errno;
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
        return std::string("unshare(CLONE_NEWNET): ") + std::strerror(e1) +
               "; unshare(CLONE_NEWUSER | CLONE_NEWNET): " + std::strerror(errno);
    write_file("/proc/self/setgroups", "deny");
    if (!write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1\n") ||
        !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1\n"))
        return "a user namespace, but its uid/gid map could not be written";
    return "";
}

struct options {
    std::string backend = "kernel";
    int jobs = 8;
    std::string filter;
    run_options run;
    bool verbose = false;
    std::string expect; //!< ksock: the scripts that must pass (a list file)
    std::vector<std::string> paths;
};

struct outcome {
    std::string path;
    run_result r;
    bool retried = false;
};

std::string encode(const run_result& r) {
    std::ostringstream o;
    o << (r.st == run_result::status::pass   ? "pass"
          : r.st == run_result::status::fail ? "fail"
                                             : "skip")
      << ' ' << r.timing_only << ' ' << r.counts.packets_in << ' ' << r.counts.packets_out << ' '
      << r.counts.calls << ' ' << r.counts.comparisons << ' ' << r.counts.asserts << '\n'
      << r.message;
    return o.str();
}

run_result decode(const std::string& s) {
    run_result r;
    std::istringstream in(s);
    std::string st;
    in >> st >> r.timing_only >> r.counts.packets_in >> r.counts.packets_out >> r.counts.calls >>
        r.counts.comparisons >> r.counts.asserts;
    if (!in) {
        r.st = run_result::status::fail;
        r.message = "the script's process died without a report";
        return r;
    }
    r.st = st == "pass"   ? run_result::status::pass
           : st == "skip" ? run_result::status::skip
                          : run_result::status::fail;
    in.get();
    std::getline(in, r.message, '\0');
    return r;
}

//! The child: a namespace, the backend, the script; the report goes to the
//! pipe. Never returns.
[[noreturn]] void child(const script& s, const options& opt, int pipe_w) {
    ::dup2(pipe_w, report_fd);
    ::close_range(3, report_fd - 1, 0);
    ::close_range(report_fd + 1, ~0u, 0);
    std::signal(SIGPIPE, SIG_IGN);
    run_result r;
    if (opt.backend == "ksock") {
        // Virtual time and a stack of its own: no namespace, no device.
        std::string why;
        auto b = make_ksock_backend(why);
        r = run_script(s, *b, opt.run);
    } else if (const std::string err = enter_namespace(); !err.empty()) {
        r.st = run_result::status::skip;
        r.message = "no private network namespace: " + err;
    } else {
        auto b = make_kernel_backend();
        r = run_script(s, *b, opt.run);
    }
    const std::string text = encode(r);
    (void)!::write(report_fd, text.data(), text.size());
    std::fflush(nullptr);
    ::_exit(0);
}

struct running {
    pid_t pid;
    int fd;
    std::size_t index;
    std::string out;
    std::chrono::steady_clock::time_point started;
};

//! Runs the scripts, opt.jobs at a time; one outcome per script, in order.
std::vector<run_result> run_all(const std::vector<const script*>& scripts, const options& opt,
                                int jobs) {
    std::vector<run_result> results(scripts.size());
    std::vector<running> live;
    std::size_t next = 0;
    // A script runs for as long as its last time says, plus waits: a minute
    // past that, it is stuck.
    auto limit = [&](const script& s) {
        usec end = 0, t = 0;
        for (const auto& ev : s.events) {
            t = ev.when.start.k == time_point::kind::relative ? t + ev.when.start.value
                                                              : ev.when.start.value;
            end = std::max(end, t);
        }
        return std::chrono::seconds(60) + std::chrono::microseconds(end);
    };
    while (next < scripts.size() || !live.empty()) {
        while (next < scripts.size() && static_cast<int>(live.size()) < jobs) {
            int p[2];
            if (::pipe2(p, O_CLOEXEC) != 0) {
                std::perror("pipe2");
                std::exit(2);
            }
            std::fflush(nullptr);
            const pid_t pid = ::fork();
            if (pid == 0) {
                ::close(p[0]);
                child(*scripts[next], opt, p[1]);
            }
            ::close(p[1]);
            live.push_back(running{pid, p[0], next, "", std::chrono::steady_clock::now()});
            ++next;
        }
        std::vector<pollfd> pf;
        for (const auto& r : live)
            pf.push_back(pollfd{r.fd, POLLIN, 0});
        ::poll(pf.data(), pf.size(), 200);
        for (std::size_t i = live.size(); i-- > 0;) {
            running& r = live[i];
            bool eof = false;
            if (pf[i].revents) {
                char buf[4096];
                const ssize_t n = ::read(r.fd, buf, sizeof buf);
                if (n > 0)
                    r.out.append(buf, static_cast<std::size_t>(n));
                else
                    eof = true;
            }
            const bool late =
                std::chrono::steady_clock::now() - r.started > limit(*scripts[r.index]);
            if (!eof && !late)
                continue;
            if (late)
                ::kill(r.pid, SIGKILL);
            int status = 0;
            ::waitpid(r.pid, &status, 0);
            ::close(r.fd);
            results[r.index] = decode(r.out);
            if (late) {
                results[r.index].st = run_result::status::fail;
                results[r.index].message = "stopped: still running after its time limit";
            }
            live.erase(live.begin() + static_cast<long>(i));
        }
    }
    return results;
}

options parse_args(int argc, char** argv) {
    options o;
    if (const char* j = std::getenv("KSOCK_PACKET_JOBS"))
        o.jobs = std::max(1, std::atoi(j));
    if (const char* f = std::getenv("KSOCK_PACKET_FILTER"))
        o.filter = f;
    if (const char* t = std::getenv("KSOCK_PACKET_TOLERANCE"))
        o.run.tolerance = static_cast<usec>(std::atof(t) * 1e6);
    if (const char* v = std::getenv("KSOCK_PACKET_VERBOSE"))
        o.verbose = std::strcmp(v, "1") == 0;
    if (const char* v = std::getenv("KSOCK_PACKET_TRACE"))
        o.run.trace = std::strcmp(v, "1") == 0;
    if (const char* e = std::getenv("KSOCK_PACKET_EXPECT"))
        o.expect = e;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto val = [&](const char* key) -> const char* {
            const std::string k = std::string(key) + "=";
            return a.rfind(k, 0) == 0 ? argv[i] + k.size() : nullptr;
        };
        if (const char* v = val("--backend"))
            o.backend = v;
        else if (const char* v2 = val("--jobs"))
            o.jobs = std::max(1, std::atoi(v2));
        else if (const char* v3 = val("--filter"))
            o.filter = v3;
        else if (const char* v4 = val("--tolerance"))
            o.run.tolerance = static_cast<usec>(std::atof(v4) * 1e6);
        else if (const char* v5 = val("--expect"))
            o.expect = v5;
        else if (a == "--verbose")
            o.verbose = true;
        else if (a == "--trace")
            o.run.trace = true;
        else if (a.rfind("--", 0) == 0) {
            std::cerr << "unknown option " << a << "\n";
            std::exit(2);
        } else
            o.paths.push_back(a);
    }
    return o;
}

//! The counts over every script: what ran, how much was compared.
void print_totals(const std::string& label, const std::vector<run_result>& results,
                  std::size_t retries, double secs, const options& opt) {
    run_counts total;
    for (const run_result& r : results) {
        total.packets_in += r.counts.packets_in;
        total.packets_out += r.counts.packets_out;
        total.calls += r.counts.calls;
        total.comparisons += r.counts.comparisons;
        total.asserts += r.counts.asserts;
    }
    std::cout << label << ": " << results.size() << " scripts, " << total.packets_in
              << " packets injected, " << total.packets_out << " packets matched, " << total.calls
              << " system calls, " << total.asserts << " TCP_INFO assertions, " << total.comparisons
              << " comparisons, " << retries << " timing retries, " << static_cast<int>(secs)
              << " s (" << opt.jobs << " at once, tolerance "
              << static_cast<double>(opt.run.tolerance) / 1e6 << " s)\n";
}

//! The scripts a list file names, one a line as the report names them
//! (relative to the scripts folder); '#' starts a comment.
std::vector<std::string> read_list(const std::string& path, bool& ok) {
    std::vector<std::string> out;
    std::ifstream in(path);
    ok = static_cast<bool>(in);
    for (std::string line; std::getline(in, line);) {
        line = line.substr(0, line.find('#'));
        const auto b = line.find_first_not_of(" \t\r");
        if (b == std::string::npos)
            continue;
        out.push_back(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
    }
    return out;
}

//! ksock's verdict. ksock's TCP is being written: what it must already get
//! right is the list of --expect; every other script is counted and its
//! failure shown on one line, without failing the run. A listed script that
//! fails, cannot run or does not exist fails the run; a script that passes
//! unlisted is named, to be added.
int report_ksock(const std::vector<std::string>& names, const std::vector<run_result>& results,
                 int parse_failures, const options& opt) {
    bool list_ok = true;
    const std::vector<std::string> expect =
        opt.expect.empty() ? std::vector<std::string>{} : read_list(opt.expect, list_ok);
    int bad = parse_failures;
    if (!list_ok) {
        std::cout << "FAIL the list " << opt.expect << " cannot be read\n";
        ++bad;
    }
    auto listed = [&](const std::string& n) {
        return std::find(expect.begin(), expect.end(), n) != expect.end();
    };
    for (const auto& e : expect)
        if (std::find(names.begin(), names.end(), e) == names.end() && opt.filter.empty()) {
            std::cout << "FAIL " << e << ": listed as passing, but no such script\n";
            ++bad;
        }
    int passed = 0, failed = 0, unrunnable = 0;
    std::map<std::string, int> reasons;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const run_result& r = results[i];
        const bool must = listed(names[i]);
        if (r.st == run_result::status::pass) {
            ++passed;
            if (!must)
                std::cout << "pass " << names[i] << " (not in the list yet: add it)\n";
            else if (opt.verbose)
                std::cout << "PASS " << names[i] << "\n";
            continue;
        }
        r.st == run_result::status::fail ? ++failed : ++unrunnable;
        const char* what = r.st == run_result::status::fail ? "fail" : "unrunnable";
        if (must) {
            std::cout << "FAIL " << names[i] << " (listed as passing, " << what
                      << "): " << r.message << "\n";
            ++bad;
        } else if (r.st == run_result::status::fail) {
            std::cout << "fail " << names[i] << ": " << r.message << "\n";
        } else {
            ++reasons[r.message];
            if (opt.verbose)
                std::cout << "unrunnable " << names[i] << ": " << r.message << "\n";
        }
    }
    for (const auto& [why, n] : reasons)
        std::cout << "unrunnable: " << n << " script" << (n == 1 ? "" : "s") << ": " << why << "\n";
    std::cout << "ksock: " << passed << " passed, " << failed << " failed, " << unrunnable
              << " unrunnable; " << expect.size() << " listed as passing"
              << (bad ? ", " + std::to_string(bad) + " FAIL lines above"
                      : std::string(", all pass"))
              << "\n";
    return bad ? 1 : 0;
}

//! The scripts the paths name (a folder: every *.pkt under it), those the
//! filter keeps, in a stable order.
std::vector<std::string> find_scripts(const options& opt) {
    std::vector<std::string> files;
    for (const auto& p : opt.paths) {
        if (fs::is_directory(p)) {
            for (const auto& e : fs::recursive_directory_iterator(p))
                if (e.is_regular_file() && e.path().extension() == ".pkt")
                    files.push_back(e.path().string());
        } else {
            files.push_back(p);
        }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::remove_if(
                    files.begin(), files.end(),
                    [&](const std::string& f) { return f.find(opt.filter) == std::string::npos; }),
                files.end());
    return files;
}
} // namespace

int main(int argc, char** argv) {
    options opt = parse_args(argc, argv);

    const std::vector<std::string> files = find_scripts(opt);
    if (files.empty()) {
        std::cerr << "no scripts\n";
        return 1;
    }

    // Every script parses, or the run fails with its line.
    std::vector<script> scripts;
    std::vector<std::string> names;
    int parse_failures = 0;
    for (const auto& f : files) {
        std::ifstream in(f);
        std::stringstream ss;
        ss << in.rdbuf();
        parse_error err;
        std::string name = f;
        for (const auto& p : opt.paths)
            if (fs::is_directory(p) && f.rfind(p, 0) == 0)
                name = fs::path(f).lexically_relative(p).string();
        if (auto s = parse_script(ss.str(), f, err)) {
            scripts.push_back(std::move(*s));
            names.push_back(name);
        } else {
            std::cout << "FAIL " << name << ":" << err.line << ": " << err.message << "\n";
            ++parse_failures;
        }
    }
    long events = 0;
    for (const auto& s : scripts)
        events += static_cast<long>(s.events.size());
    std::cout << "packet differential: " << files.size() << " scripts, " << events
              << " events parsed" << (parse_failures ? ", some did not parse" : "") << "\n";

    if (opt.backend == "ksock") {
        std::string why;
        if (!make_ksock_backend(why)) {
            std::cout << "ksock: " << scripts.size() << " scripts skipped: " << why << "\n";
            std::cout << "ksock: 0 passed, " << parse_failures << " failed, " << scripts.size()
                      << " skipped\n";
            return parse_failures ? 1 : exit_skip;
        }
        // Virtual time: a timer fires at its jiffy, never later.
        opt.run.slack_per_mille = 0;
    } else if (opt.backend != "kernel") {
        std::cerr << "unknown backend " << opt.backend << "\n";
        return 2;
    }

    const auto t0 = std::chrono::steady_clock::now();
    std::vector<const script*> ptrs;
    for (const auto& s : scripts)
        ptrs.push_back(&s);
    std::vector<run_result> results = run_all(ptrs, opt, opt.jobs);

    // A script that failed on timing alone runs again, alone, up to twice:
    // the host is real time on a shared machine. The retries are reported.
    // (Not on ksock: virtual time gives the same result every run.)
    std::vector<std::string> retried;
    for (int round = 0; round < 2 && opt.backend == "kernel"; ++round) {
        std::vector<const script*> again;
        std::vector<std::size_t> again_at;
        for (std::size_t i = 0; i < results.size(); ++i)
            if (results[i].st == run_result::status::fail && results[i].timing_only) {
                again.push_back(ptrs[i]);
                again_at.push_back(i);
            }
        if (again.empty())
            break;
        const std::vector<run_result> next_run = run_all(again, opt, 1);
        for (std::size_t j = 0; j < again.size(); ++j) {
            retried.push_back(names[again_at[j]] + " (run " + std::to_string(round + 1) + ": " +
                              results[again_at[j]].message + ")");
            results[again_at[j]] = next_run[j];
        }
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    print_totals(opt.backend, results, retried.size(), secs, opt);
    if (opt.backend == "ksock")
        return report_ksock(names, results, parse_failures, opt);

    int passed = 0, failed = parse_failures, skipped = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const run_result& r = results[i];
        switch (r.st) {
        case run_result::status::pass:
            ++passed;
            if (opt.verbose)
                std::cout << "PASS " << names[i] << "\n";
            break;
        case run_result::status::fail:
            ++failed;
            std::cout << "FAIL " << names[i] << ": " << r.message << "\n";
            break;
        case run_result::status::skip:
            ++skipped;
            if (opt.verbose || skipped == 1)
                std::cout << "SKIP " << names[i] << ": " << r.message << "\n";
            break;
        }
    }
    for (const auto& r : retried)
        std::cout << "RETRIED " << r << "\n";
    std::cout << "kernel: " << passed << " passed, " << failed << " failed, " << skipped
              << " skipped\n";
    if (failed)
        return 1;
    if (passed == 0)
        return exit_skip;
    return 0;
}
