// cvm.hpp — header-only C++17 layer over the C API of libcvm (cvm.h). See docs/cpp.md.
//
// It adds no logic, only ownership, types and errors (wasmtime.hh is the model):
// * every handle is a move-only RAII object (cvm::Handle<T, free>; .capi() is the C escape hatch)
//   with a method or free function for every C function that takes it;
// * every failing call throws cvm::Error (a std::runtime_error) carrying the status, the field
//   (argument, option or JSON path) and the index the library reported;
// * inputs are any contiguous range (cvm::Span<T>: pointer + size, std::vector, std::array,
//   std::span under C++20); outputs are std::vector or owned result objects;
// * units, statuses, stages are enum classes; options are structs with named members starting
//   from the library's defaults; every returned string is a std::string (the library's strings
//   are copied and, when new, freed inside; a NULL is never read as a string).
//
// A method is named as the C function it calls without the prefix and the handle's noun
// (cvm_model_standard_errors → Model::standard_errors, cvm_fee_result_reason →
// FeeResult::reason); where it has no comment of its own, the C function's comment in cvm.h
// (formula, units, errors) is its documentation. docs/cpp.md lists every class's methods.
//
// The parts (include them alone to compile less): cvm/core.hpp (errors, spans, handles, dates,
// threads), cvm/models.hpp, cvm/covariates.hpp, cvm/lifetime.hpp, cvm/churn.hpp,
// cvm/loyalty.hpp, cvm/rules.hpp, cvm/report.hpp, cvm/value.hpp, cvm/cashflow.hpp, cvm/fee.hpp.
#ifndef CVM_HPP
#define CVM_HPP

#include "cvm/core.hpp"
#include "cvm/models.hpp"
#include "cvm/covariates.hpp"
#include "cvm/lifetime.hpp"
#include "cvm/churn.hpp"
#include "cvm/loyalty.hpp"
#include "cvm/rules.hpp"
#include "cvm/report.hpp"
#include "cvm/value.hpp"
#include "cvm/cashflow.hpp"
#include "cvm/fee.hpp"

#endif
