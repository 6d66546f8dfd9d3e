// libspeexdsp for Swift: the resampler, the echo canceller and the preprocessor headers as they
// are. Their ctl functions take a void pointer (not variadic), so Swift calls them directly.
#ifndef CSPEEXDSP_SHIM_H
#define CSPEEXDSP_SHIM_H

#include <speex/speex_resampler.h>
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>

#endif
