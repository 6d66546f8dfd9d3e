// libasound (ALSA) for Swift: the library's headers as they are, no C of our own.
//
// Why no wrappers: the Audio devices use only plain functions. Parameter containers come from
// snd_pcm_hw_params_malloc / snd_pcm_sw_params_malloc (not the *_alloca macros, which Swift
// cannot call), configurations from snd_config_top + snd_input_buffer_open + snd_config_load,
// and the errno values ALSA returns (EPIPE, ESTRPIPE, EINTR) come from Glibc. If a macro or
// inline-only API is ever needed, add a `static inline` CALSA_-prefixed wrapper here.
#ifndef CALSA_SHIM_H
#define CALSA_SHIM_H

#include <alsa/asoundlib.h>

#endif
