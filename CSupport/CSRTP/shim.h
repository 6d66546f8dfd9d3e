// libsrtp2 for Swift: srtp2/srtp.h as it is. Everything the SRTP target calls is a plain function;
// the suite setters that are macros (srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 is
// srtp_crypto_policy_set_rtp_default) are called by the function they expand to. The one thing
// Swift cannot import is SRTP_MAX_TRAILER_LEN (a macro built from other macros): srtp_protect
// may write that many bytes past the packet, so the caller must know it.
#ifndef CSRTP_SHIM_H
#define CSRTP_SHIM_H

#include <srtp2/srtp.h>

/// The room srtp_protect and srtp_protect_rtcp may write past the end of a packet: the longest
/// tag, the longest MKI and the SRTCP index (RFC 3711 §3.4).
static const int CSRTP_maximumTrailerLength = SRTP_MAX_TRAILER_LEN + 4;

#endif
