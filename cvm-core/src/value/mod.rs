//! Value models of the customer-value-management method (work in progress).
