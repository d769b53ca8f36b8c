// pool<T, 0>: a slab cache without a slot could never allocate.
// EXPECT: ksock::pool<T, N>: capacity must be at least 1
#include <ksock/runtime/pool.hpp>

ksock::pool<int, 0> p;
