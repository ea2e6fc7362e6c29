package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * A recursive-descent evaluator for arithmetic expressions: no script engine, no variables, nothing but numbers.
 *
 * <pre>
 * expression := term (('+' | '-') term)*
 * term       := unary (('*' | '/' | '%') unary)*
 * unary      := ('-' | '+') unary | power
 * power      := primary ('^' unary)?              right-associative; -2^2 = -(2^2)
 * primary    := number | '(' expression ')' | constant | function '(' expression (',' expression)* ')'
 * number     := digits ['.' digits] [('e' | 'E') ['+' | '-'] digits]   (also '.5')
 * constant   := pi | e
 * function   := sqrt | abs | min | max | floor | ceil | round
 * </pre>
 *
 * Input length and nesting depth are bounded so that a hostile expression costs little. Positions in error
 * messages are 1-based character positions, so the model can find its mistake.
 */
final class Arithmetic {

    static final int MAX_LENGTH = 1_000;
    static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;
    private int depth;

    private Arithmetic(String text) {
        this.text = text;
    }

    /** @throws ToolException for a syntax error, a limit, division by zero or a result that is not finite */
    static double evaluate(String expression) throws ToolException {
        requireNonNull(expression, "expression");
        if (expression.length() > MAX_LENGTH) {
            throw new ToolException("the expression is longer than " + MAX_LENGTH + " characters");
        }
        if (expression.isBlank()) {
            throw new ToolException("the expression is empty");
        }
        Arithmetic parser = new Arithmetic(expression);
        double value = parser.expression();
        parser.skipSpaces();
        if (parser.pos < expression.length()) {
            throw parser.error("unexpected '" + expression.charAt(parser.pos) + "'");
        }
        return value;
    }

    private double expression() throws ToolException {
        double value = term();
        while (true) {
            int at = operatorAt("+-");
            if (at < 0) {
                return value;
            }
            double right = term();
            value = text.charAt(at) == '+' ? finite(value + right, at) : finite(value - right, at);
        }
    }

    private double term() throws ToolException {
        double value = unary();
        while (true) {
            int at = operatorAt("*/%");
            if (at < 0) {
                return value;
            }
            double right = unary();
            char op = text.charAt(at);
            if (op != '*' && right == 0) {
                throw error(at, "division by zero");
            }
            value = finite(op == '*' ? value * right : op == '/' ? value / right : value % right, at);
        }
    }

    private double unary() throws ToolException {
        enter();
        try {
            int at = operatorAt("+-");
            if (at >= 0) {
                double operand = unary();
                return text.charAt(at) == '-' ? -operand : operand;
            }
            return power();
        } finally {
            depth--;
        }
    }

    private double power() throws ToolException {
        double base = primary();
        int at = operatorAt("^");
        if (at < 0) {
            return base;
        }
        return finite(Math.pow(base, unary()), at);
    }

    private double primary() throws ToolException {
        skipSpaces();
        if (pos >= text.length()) {
            throw error("the expression ends where a number was expected");
        }
        char c = text.charAt(pos);
        if (c == '(') {
            pos++;
            double value = expression();
            expect(')');
            return value;
        }
        if (isDigit(c) || c == '.') {
            return number();
        }
        if (Character.isLetter(c)) {
            return named();
        }
        throw error("unexpected '" + c + "'");
    }

    private double number() throws ToolException {
        int start = pos;
        digits();
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            digits();
        }
        if (pos == start + 1 && text.charAt(start) == '.') {
            throw error(start, "'.' is not a number");
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            int exponent = pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos >= text.length() || !isDigit(text.charAt(pos))) {
                throw error(exponent, "the exponent needs digits");
            }
            digits();
        }
        double value = Double.parseDouble(text.substring(start, pos));
        if (Double.isInfinite(value)) {
            throw error(start, "the number is too large");
        }
        return value;
    }

    private double named() throws ToolException {
        int start = pos;
        while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
            pos++;
        }
        String name = text.substring(start, pos);
        switch (name) {
            case "pi":
                return Math.PI;
            case "e":
                return Math.E;
            default:
                break;
        }
        List<Double> args = arguments(name, start);
        return switch (name) {
            case "sqrt" -> {
                double x = single(name, args, start);
                if (x < 0) {
                    throw error(start, "sqrt of a negative number");
                }
                yield Math.sqrt(x);
            }
            case "abs" -> Math.abs(single(name, args, start));
            case "floor" -> Math.floor(single(name, args, start));
            case "ceil" -> Math.ceil(single(name, args, start));
            case "round" -> (double) Math.round(single(name, args, start));
            case "min" -> fold(args, Math::min);
            case "max" -> fold(args, Math::max);
            default -> throw error(start, "unknown function '" + name + "'");
        };
    }

    private List<Double> arguments(String name, int start) throws ToolException {
        skipSpaces();
        if (pos >= text.length() || text.charAt(pos) != '(') {
            throw error(start, "unknown name '" + name + "'");
        }
        enter();
        try {
            pos++;
            List<Double> args = new ArrayList<>();
            args.add(expression());
            while (operatorAt(",") >= 0) {
                args.add(expression());
            }
            expect(')');
            return args;
        } finally {
            depth--;
        }
    }

    private double single(String name, List<Double> args, int at) throws ToolException {
        if (args.size() != 1) {
            throw error(at, name + " takes one argument, got " + args.size());
        }
        return args.getFirst();
    }

    private static double fold(List<Double> args, DoubleBinaryOperator op) {
        double value = args.getFirst();
        for (int i = 1; i < args.size(); i++) {
            value = op.applyAsDouble(value, args.get(i));
        }
        return value;
    }

    /** Consumes one of {@code operators} if it is next, returning its position, or -1. */
    private int operatorAt(String operators) {
        skipSpaces();
        if (pos < text.length() && operators.indexOf(text.charAt(pos)) >= 0) {
            return pos++;
        }
        return -1;
    }

    private void expect(char c) throws ToolException {
        skipSpaces();
        if (pos >= text.length()) {
            throw error("missing '" + c + "'");
        }
        if (text.charAt(pos) != c) {
            throw error("expected '" + c + "' but found '" + text.charAt(pos) + "'");
        }
        pos++;
    }

    private void enter() throws ToolException {
        if (++depth > MAX_DEPTH) {
            throw error("the expression nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    private double finite(double value, int at) throws ToolException {
        if (Double.isInfinite(value)) {
            throw error(at, "the result overflows");
        }
        if (Double.isNaN(value)) {
            throw error(at, "the result is not a number");
        }
        return value;
    }

    private void digits() {
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private ToolException error(String message) {
        return error(pos, message);
    }

    private ToolException error(int at, String message) {
        return new ToolException(message + " at position " + (at + 1));
    }
}
