import RTP
import Testing

@Suite("RTP module")
struct RTPModuleTests {
    @Test("the module namespace exists")
    func namespace() {
        #expect(String(describing: RTP.self) == "RTP")
    }
}
