import SDP
import Testing

@Suite("SDP module")
struct SDPModuleTests {
    @Test("the module namespace exists")
    func namespace() {
        #expect(String(describing: SDP.self) == "SDP")
    }
}
