// A program built against an installed cvm (make test-install): by CMake's find_package and by
// pkg-config. Checks the header and library agree, and computes through cvm.hpp.
#include <cstdio>

#include "cvm.hpp"

int main() {
    cvm::check_version();
    auto m = cvm::Model::from_json(
        R"({"format": "cvm-model", "version": 1, "model": "bg_nbd", "params": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}})");
    std::vector<double> f{2}, r{30.43}, T{38.86};
    double alive = m.probability_alive(f, r, T)[0];
    std::printf("cvm %s: P(alive) = %.6f\n", cvm::version().c_str(), alive);
    return alive > 0.5 && alive < 1.0 ? 0 : 1;
}
