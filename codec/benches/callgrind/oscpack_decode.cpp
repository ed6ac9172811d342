// Callgrind harness for oscpack (Debian's liboscpack-dev), the zero-copy C++ decoder MOX's
// decoder is compared with. Decodes one packet N times and reads every value, the same work
// as `decode` in codec/benches/common/mod.rs:
//   - osc::ReceivedPacket, then osc::ReceivedBundle / osc::ReceivedMessage (whose
//     constructors check the element sizes and every argument's size against the data);
//   - every bundle element, recursively; the bundle's timetag;
//   - the address and every argument through its checked accessor (AsInt32(), AsFloat(),
//     AsString(), AsBlob(), ...); array brackets are arguments of their own in oscpack.
//
// Build and run (scripts/callgrind.sh does both):
//   g++ -O2 -std=c++17 -I/usr/include/oscpack oscpack_decode.cpp -loscpack -o oscpack_decode
//   oscpack_decode PACKET.osc N        # PACKET.osc from `callgrind_osc dump DIR`
//
// Per-packet instructions are (total at N = 1001 - total at N = 1) / 1000.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "osc/OscReceivedElements.h"

namespace {

// Every value read is folded in here, so nothing can be optimised away.
volatile std::uint64_t g_sink;

std::uint64_t WalkMessage(const osc::ReceivedMessage& message) {
    std::uint64_t acc = reinterpret_cast<std::uintptr_t>(message.AddressPattern());
    for (osc::ReceivedMessage::const_iterator arg = message.ArgumentsBegin();
         arg != message.ArgumentsEnd(); ++arg) {
        switch (arg->TypeTag()) {
            case osc::INT32_TYPE_TAG: acc += static_cast<std::uint32_t>(arg->AsInt32()); break;
            case osc::FLOAT_TYPE_TAG: {
                float f = arg->AsFloat();
                std::uint32_t bits;
                std::memcpy(&bits, &f, sizeof bits);
                acc += bits;
                break;
            }
            case osc::STRING_TYPE_TAG:
                acc += reinterpret_cast<std::uintptr_t>(arg->AsString());
                break;
            case osc::SYMBOL_TYPE_TAG:
                acc += reinterpret_cast<std::uintptr_t>(arg->AsSymbol());
                break;
            case osc::BLOB_TYPE_TAG: {
                const void* data = nullptr;
                osc::osc_bundle_element_size_t size = 0;
                arg->AsBlob(data, size);
                acc += reinterpret_cast<std::uintptr_t>(data) + static_cast<std::uint64_t>(size);
                break;
            }
            case osc::INT64_TYPE_TAG: acc += static_cast<std::uint64_t>(arg->AsInt64()); break;
            case osc::TIME_TAG_TYPE_TAG: acc += arg->AsTimeTag(); break;
            case osc::DOUBLE_TYPE_TAG: {
                double d = arg->AsDouble();
                std::uint64_t bits;
                std::memcpy(&bits, &d, sizeof bits);
                acc += bits;
                break;
            }
            case osc::CHAR_TYPE_TAG: acc += static_cast<unsigned char>(arg->AsChar()); break;
            case osc::RGBA_COLOR_TYPE_TAG: acc += arg->AsRgbaColor(); break;
            case osc::MIDI_MESSAGE_TYPE_TAG: acc += arg->AsMidiMessage(); break;
            case osc::TRUE_TYPE_TAG:
            case osc::FALSE_TYPE_TAG: acc += arg->AsBool() ? 1 : 2; break;
            case osc::NIL_TYPE_TAG: acc += arg->IsNil() ? 3 : 0; break;
            case osc::INFINITUM_TYPE_TAG: acc += arg->IsInfinitum() ? 4 : 0; break;
            case osc::ARRAY_BEGIN_TYPE_TAG: acc += 5; break;
            case osc::ARRAY_END_TYPE_TAG: acc += 6; break;
            default: throw osc::MalformedMessageException("unknown type tag");
        }
    }
    return acc;
}

std::uint64_t WalkBundle(const osc::ReceivedBundle& bundle) {
    std::uint64_t acc = bundle.TimeTag();
    for (osc::ReceivedBundle::const_iterator element = bundle.ElementsBegin();
         element != bundle.ElementsEnd(); ++element) {
        if (element->IsBundle()) {
            acc += WalkBundle(osc::ReceivedBundle(*element));
        } else {
            acc += WalkMessage(osc::ReceivedMessage(*element));
        }
    }
    return acc;
}

std::uint64_t Decode(const char* data, std::size_t size) {
    osc::ReceivedPacket packet(data, size);
    if (packet.IsBundle()) {
        return WalkBundle(osc::ReceivedBundle(packet));
    }
    return WalkMessage(osc::ReceivedMessage(packet));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: oscpack_decode PACKET.osc N\n");
        return 2;
    }
    std::ifstream file(argv[1], std::ios::binary);
    if (!file) {
        std::fprintf(stderr, "oscpack_decode: cannot read %s\n", argv[1]);
        return 2;
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                            std::istreambuf_iterator<char>());
    long n = std::strtol(argv[2], nullptr, 10);
    try {
        for (long i = 0; i < n; ++i) {
            g_sink = g_sink + Decode(bytes.data(), bytes.size());
        }
    } catch (const osc::Exception& e) {
        std::fprintf(stderr, "oscpack_decode: %s: %s\n", argv[1], e.what());
        return 1;
    }
    return 0;
}
