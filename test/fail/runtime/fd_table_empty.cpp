// fdtable<0>: a task without a single descriptor slot.
// EXPECT: ksock::fdtable<N>: capacity must be at least 1
#include <ksock/runtime/fd_table.hpp>

ksock::fdtable<0> t;
