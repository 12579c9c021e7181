// Rendering dot text with Graphviz's library (libgvc), in-process.
#pragma once

#include <optional>
#include <string>

namespace weft::viz {

// The output format named by a file's extension: "svg", "png" or "dot";
// nullopt for anything else.
std::optional<std::string> format_of(const std::string& path);

// Lays `dot` out and writes it to `path` in `format` ("dot" writes the text
// as is). Returns an error message, or empty on success.
std::string render_file(const std::string& dot, const std::string& path, const std::string& format);

// Lays `dot` out and returns the rendering ("svg" for inline use), or an
// error message in `error`.
std::string render_text(const std::string& dot, const std::string& format, std::string& error);

}  // namespace weft::viz
