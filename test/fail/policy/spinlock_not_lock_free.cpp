// ksock::spinlock on a target without a lock-free byte exchange (ARMv6-M),
// forced on any host through basic_spinlock's parameter.
// EXPECT: ksock::spinlock: the target has no lock-free atomic byte exchange
#include <ksock/policy/lock.hpp>

ksock::basic_spinlock<false> lock;
