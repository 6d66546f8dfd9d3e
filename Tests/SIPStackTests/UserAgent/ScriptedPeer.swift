import SIPMessage
import SIPStack
import Testing

extension CallFlowTests.Pair {
    /// Alice calls `sip:bob@192.0.2.OCTET`, an address without an agent (a peer the test
    /// scripts with ``ProxyFailoverTests/respond(_:_:to:toTag:from:on:to:)``): the call, and
    /// the INVITE that went there.
    func callScriptedPeer(octet: Int = 51) throws -> (SIPCallHandle, SIPMessage) {
        let call = try alice.agent.call("sip:bob@192.0.2.\(octet)", offer: CallFlowTests.offer)
        wire.flush()
        let invite = try #require(try ProxyFailoverTests.invites(to: octet, on: wire).last)
        return (call, invite)
    }
}
