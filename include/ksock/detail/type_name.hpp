// ksock/detail/type_name.hpp: a type's name as a string, without RTTI, for
// diagnostics at run time (a failed layout cast names the type it wanted).
//
// Why it works: GCC and Clang spell the template argument inside
// __PRETTY_FUNCTION__ ("... [with T = ksock::inet::tcp_sock]" in GCC,
// "... [T = ksock::inet::tcp_sock]" in Clang). The name is cut out of that
// string while compiling and kept as one array per type in read-only data,
// and only for the types a failure path names.
#pragma once

#include <cstddef>

namespace ksock::detail {

//! The compiler's spelling of this function, T's name inside.
template <class T>
constexpr const char* pretty_function() noexcept {
    return __PRETTY_FUNCTION__;
}

//! Where T's name starts and ends in pretty_function<T>().
template <class T>
struct type_name_span {
    static constexpr std::size_t find(const char* s, std::size_t from, auto pred) noexcept {
        while (s[from] && !pred(s, from))
            ++from;
        return from;
    }
    static constexpr const char* s = pretty_function<T>();
    static constexpr std::size_t begin =
        find(s, 0,
             [](const char* p, std::size_t i) {
                 return p[i] == 'T' && p[i + 1] == ' ' && p[i + 2] == '=' && p[i + 3] == ' ';
             }) +
        4;
    static constexpr std::size_t end =
        find(s, begin, [](const char* p, std::size_t i) { return p[i] == ';' || p[i] == ']'; });
};

//! T's name as a null-terminated array.
template <class T>
struct type_name_chars {
    using span = type_name_span<T>;
    char text[span::end - span::begin + 1];
    constexpr type_name_chars() noexcept : text{} {
        for (std::size_t i = span::begin; i < span::end; ++i)
            text[i - span::begin] = span::s[i];
    }
};
template <class T>
inline constexpr type_name_chars<T> type_name_v{};

//! T's name, "ksock::inet::tcp_sock".
template <class T>
constexpr const char* type_name() noexcept {
    return type_name_v<T>.text;
}

} // namespace ksock::detail
