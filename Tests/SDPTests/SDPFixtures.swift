/// Session descriptions shared by the SDP tests, written line by line and joined with CRLF.
enum SDPFixtures {
    /// Joins `lines` with CRLF and ends the last one with CRLF too.
    static func sdp(_ lines: [String]) -> String {
        lines.map { $0 + "\r\n" }.joined()
    }

    /// A typical offer from a SIP phone: opus, PCMU, PCMA, two telephone-events, rtcp-mux.
    static let phoneOffer = sdp([
        "v=0",
        "o=alice 2890844526 2890844527 IN IP4 192.0.2.10",
        "s=-",
        "c=IN IP4 192.0.2.10",
        "t=0 0",
        "m=audio 49170 RTP/AVP 111 0 8 101 110",
        "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=rtpmap:110 telephone-event/48000",
        "a=ptime:20",
        "a=maxptime:60",
        "a=rtcp:49171",
        "a=rtcp-mux",
        "a=sendrecv",
    ])

    /// RFC 3264 §10.1's first offer, with audio and video on IPv4 (session-level c=).
    static let audioVideoOffer = sdp([
        "v=0",
        "o=carol 28908764872 28908764872 IN IP4 100.3.6.6",
        "s=-",
        "t=0 0",
        "c=IN IP4 192.0.2.4",
        "m=audio 0 RTP/AVP 0 1 3",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:1 1016/8000",
        "a=rtpmap:3 GSM/8000",
        "m=video 0 RTP/AVP 31 34",
        "a=rtpmap:31 H261/90000",
        "a=rtpmap:34 H263/90000",
    ])

    /// An IPv6 offer with every tolerated line type.
    static let everyLineType = sdp([
        "v=0",
        "o=- 1 2 IN IP6 2001:db8::1",
        "s=A talk",
        "i=A session about SDP",
        "u=http://www.example.com/seminars/sdp.pdf",
        "e=j.doe@example.com (Jane Doe)",
        "p=+1 617 555-6011",
        "c=IN IP6 2001:db8::1",
        "b=CT:128",
        "t=2873397496 2873404696",
        "r=7d 1h 0 25h",
        "z=2882844526 -1h 2898848070 0",
        "k=prompt",
        "a=recvonly",
        "m=audio 49170/2 RTP/AVP 0",
        "i=voice",
        "c=IN IP6 2001:db8::2",
        "b=AS:64",
        "k=prompt",
        "a=ptime:30",
        "m=application 5000 udp wb",
        "c=IN IP4 224.2.17.12/127/2",
        "a=orient:portrait",
    ])
}
