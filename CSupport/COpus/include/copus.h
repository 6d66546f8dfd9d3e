// The thinnest shim over libopus for Swift: opus.h as is, plus the two calls Swift cannot make
// itself, because opus_encoder_ctl and opus_decoder_ctl are variadic. Every request constant
// (OPUS_SET_BITRATE_REQUEST...) is a plain #define that Swift imports.
#ifndef COPUS_H
#define COPUS_H

#include <opus/opus.h>

/// opus_encoder_ctl(encoder, request, value) for a SET request taking one opus_int32.
int copus_encoder_set(OpusEncoder *encoder, int request, opus_int32 value);
/// opus_encoder_ctl(encoder, request, &value) for a GET request filling one opus_int32.
int copus_encoder_get(OpusEncoder *encoder, int request, opus_int32 *value);
/// opus_decoder_ctl(decoder, request, value) for a SET request taking one opus_int32.
int copus_decoder_set(OpusDecoder *decoder, int request, opus_int32 value);
/// opus_decoder_ctl(decoder, request, &value) for a GET request filling one opus_int32.
int copus_decoder_get(OpusDecoder *decoder, int request, opus_int32 *value);

#endif
