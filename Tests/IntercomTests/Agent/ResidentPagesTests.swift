import Testing

/// The suites that drop this test process's own pages from its resident set
/// (``ReadOnlyPagesTests``, ``SinglePageFaultsTests``), one test at a time: each measures the
/// resident set before and after its release, and another suite's release or registration in
/// between would change what it measures.
@Suite("Resident pages of the test process", .serialized)
struct ResidentPagesTests {}
