// ksock/uapi/value_names.hpp: how a number reads to a kernel reader: the base
// it is written in (modes and file flags in octal, as ls and /proc/PID/fdinfo
// show them; other flag words in hex) and the names of its values or bits.
// The tables live beside the numbers they name (af_names in socket.hpp ...);
// the trace policy prints with them ("f_flags = 04002 (O_RDWR | O_NONBLOCK)").
#pragma once

#include <cstddef>

namespace ksock {

//! One name: a value whose bits under `mask` equal `value` carries it. A bit
//! flag is {bit, bit}; a value of an enumeration or a field is {value,
//! field mask} ({SOCK_STREAM, SOCK_TYPE_MASK}, {O_RDWR, O_ACCMODE}).
struct value_name {
    long long value;  //!< the bits that carry the name
    long long mask;   //!< the bits compared
    const char* name; //!< the name as Linux spells it ("AF_INET")
};

//! The base a value is written in.
enum class value_base : char {
    dec = 'd', //!< a count or an enumeration: 2 (AF_INET)
    hex = 'x', //!< a flag word: 0x6 (PERMANENT | ICSK)
    oct = 'o', //!< a mode or file flags: 0140777 (S_IFSOCK | 0777)
};

//! How one field reads: its base and the names of its values.
struct value_format {
    value_base base;         //!< the base the value is written in
    const value_name* names; //!< null when nothing is named
    std::size_t count;       //!< how many names `names` holds
};

//! A format over a name table: `names_in(value_base::oct, o_flag_names)`.
template <std::size_t N>
constexpr value_format names_in(value_base base, const value_name (&names)[N]) noexcept {
    return {base, names, N};
}

} // namespace ksock
