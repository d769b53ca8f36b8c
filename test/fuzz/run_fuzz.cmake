# test/fuzz/run_fuzz.cmake: one fuzzing run of a fixed length, for ctest.
#   cmake -D KSOCK_FUZZER=<ksock_fuzz> -D KSOCK_FUZZ_SEEDS=<corpus folder>
#         -D KSOCK_FUZZ_WORK=<scratch folder> -D KSOCK_FUZZ_RUNS=<n>
#         -D KSOCK_FUZZ_MAX_LEN=<bytes> [-D "KSOCK_FUZZ_ARGS=<more;libFuzzer;flags>"]
#         -P run_fuzz.cmake
# The scratch folder is emptied first, so every run starts from the seeds
# alone, with seed 1. libFuzzer writes the inputs it finds
# to the first corpus folder (the scratch one; the seeds stay as they are)
# and a crashing input to <scratch>/artifacts/.
foreach(var KSOCK_FUZZER KSOCK_FUZZ_SEEDS KSOCK_FUZZ_WORK KSOCK_FUZZ_RUNS KSOCK_FUZZ_MAX_LEN)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run_fuzz.cmake: -D ${var}=... is required")
    endif()
endforeach()

file(REMOVE_RECURSE "${KSOCK_FUZZ_WORK}")
file(MAKE_DIRECTORY "${KSOCK_FUZZ_WORK}/corpus" "${KSOCK_FUZZ_WORK}/artifacts")

execute_process(
    COMMAND "${KSOCK_FUZZER}"
        -runs=${KSOCK_FUZZ_RUNS}
        -max_len=${KSOCK_FUZZ_MAX_LEN}
        -seed=1
        ${KSOCK_FUZZ_ARGS}
        -print_final_stats=1
        "-artifact_prefix=${KSOCK_FUZZ_WORK}/artifacts/"
        "${KSOCK_FUZZ_WORK}/corpus"
        "${KSOCK_FUZZ_SEEDS}"
    RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ksock_fuzz failed (${rc}); the input is in ${KSOCK_FUZZ_WORK}/artifacts/")
endif()
