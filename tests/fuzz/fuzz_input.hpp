// The fuzz input read as a stream of choices: the targets that drive an API
// step by step (the session engine, the MIME builder, SASL exchanges) take
// their decisions and their bytes from it. Past the end every read gives 0
// or nothing, so any input is a complete run. Plain C++ (no libFuzzer
// header), so the invariant checks also build with g++.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smtpkit::fuzz {

class FuzzInput {
  public:
    FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    explicit FuzzInput(std::string_view s)
        : FuzzInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()) {}

    bool empty() const { return pos_ >= size_; }
    std::size_t left() const { return size_ - pos_; }

    std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
    bool flag() { return (byte() & 1) != 0; }
    // 0 .. n-1 (0 when n is 0).
    std::size_t pick(std::size_t n) { return n == 0 ? 0 : byte() % n; }
    // Up to n bytes, fewer at the end of the input.
    std::string_view take(std::size_t n) {
        n = std::min(n, left());
        const std::string_view out(reinterpret_cast<const char*>(data_) + pos_, n);
        pos_ += n;
        return out;
    }
    // A length byte (capped at `max`), then that many bytes.
    std::string_view sized(std::size_t max = 255) {
        return take(std::min<std::size_t>(byte(), max));
    }
    // Up to the next `stop` byte (dropped) or the end.
    std::string_view until(char stop) {
        const std::string_view rest(reinterpret_cast<const char*>(data_) + pos_, left());
        const std::size_t end = std::min(rest.find(stop), rest.size());
        pos_ += std::min(end + 1, rest.size());
        return rest.substr(0, end);
    }
    std::string_view rest() { return take(left()); }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace smtpkit::fuzz
