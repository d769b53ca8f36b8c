// A pool hands out zeroed slots and never runs constructors or destructors:
// an object with a user-provided destructor cannot live in one.
// EXPECT: ksock::pool<T, N>: objects must be trivially copyable
#include <ksock/runtime/pool.hpp>

struct owns_something {
    int* p;
    ~owns_something() { delete p; }
};
ksock::pool<owns_something, 1> p;
