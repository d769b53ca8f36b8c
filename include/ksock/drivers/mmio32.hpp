// ksock/drivers/mmio32.hpp: a device's registers as 32-bit memory-mapped
// I/O at a fixed base address: the access policy a board gives a driver
// (ksock::drivers::lan9118). A host test gives the same driver a policy of
// its own over a register model instead, so the driver's code is the one
// the board runs, tested without the board.
//
// A bus policy B provides
//   std::uint32_t read(std::uint32_t offset);      // one 32-bit load
//   void write(std::uint32_t offset, std::uint32_t value);   // one store
// and is default-constructible. Every access is a volatile access, in
// program order: a FIFO register pops or pushes on each one.
#pragma once

#include <cstdint>

namespace ksock::drivers {

//! 32-bit memory-mapped registers at base address \p Base: the bus policy a board gives a driver.
template <std::uintptr_t Base>
struct mmio32 {
    //! The register at \p offset bytes from Base.
    std::uint32_t read(std::uint32_t offset) const noexcept {
        return *reinterpret_cast<volatile const std::uint32_t*>(Base + offset);
    }
    //! Store \p value at \p offset (one volatile store).
    void write(std::uint32_t offset, std::uint32_t value) const noexcept {
        *reinterpret_cast<volatile std::uint32_t*>(Base + offset) = value;
    }
};

} // namespace ksock::drivers
