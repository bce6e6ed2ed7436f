// Named parameters of prepared statements.
#include "sql_parameters.hpp"

#include <vector>

namespace callout::core {

namespace {

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

}  // namespace

std::optional<std::string> number_parameters(std::string_view sql, const char* const* names,
                                             std::size_t count, std::string& problem) {
    std::string numbered;
    numbered.reserve(sql.size());
    std::vector<bool> used(count, false);
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            // a quoted literal or identifier, up to its closing quote (a doubled quote is one)
            const std::size_t close = sql.find(c, i + 1);
            if (close == std::string_view::npos) {
                problem = "an unterminated quote";
                return std::nullopt;
            }
            numbered.append(sql.substr(i, close - i + 1));
            i = close;
            continue;
        }
        if (c != '$') {
            numbered.push_back(c);
            continue;
        }
        std::size_t end = i + 1;
        if (end >= sql.size() || !is_name_start(sql[end])) {
            problem = "a positional parameter or dollar quote at byte " + std::to_string(i);
            return std::nullopt;
        }
        while (end < sql.size() && is_name_char(sql[end])) ++end;
        const std::string_view name = sql.substr(i + 1, end - i - 1);
        std::size_t position = 0;
        while (position < count && name != names[position]) ++position;
        if (position == count) {
            problem = "an undeclared parameter $" + std::string(name);
            return std::nullopt;
        }
        used[position] = true;
        numbered += '$';
        numbered += std::to_string(position + 1);
        i = end - 1;
    }
    for (std::size_t position = 0; position < count; ++position) {
        if (!used[position]) {
            problem = "no use of parameter $" + std::string(names[position]);
            return std::nullopt;
        }
    }
    return numbered;
}

}  // namespace callout::core
