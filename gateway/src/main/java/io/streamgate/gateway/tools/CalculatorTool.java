package io.streamgate.gateway.tools;

import com.fasterxml.jackson.core.JsonGenerator;
import io.streamgate.llm.ToolSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * {@code calculator}: evaluates an arithmetic expression, because models are unreliable at arithmetic.
 *
 * <p>The grammar and its limits are in {@link Arithmetic}. The result is a JSON number rounded to 15 significant
 * digits, so {@code 0.1+0.2} answers {@code 0.3} and whole numbers carry no {@code .0}.
 */
public final class CalculatorTool implements Tool {

    public static final String NAME = "calculator";

    private static final MathContext SIGNIFICANT = new MathContext(15);

    private static final ToolSpec SPEC = new ToolSpec(
            NAME,
            "Evaluates an arithmetic expression exactly as written. Supports + - * / % ^ (power), parentheses, "
                    + "unary minus, decimals and exponents (1.5e3), the constants pi and e, and the functions "
                    + "sqrt, abs, min, max, floor, ceil and round.",
            """
            {"type":"object","properties":{"expression":{"type":"string",\
            "description":"for example (2+3)*4.5 or sqrt(2)^2"}},\
            "required":["expression"],"additionalProperties":false}""");

    @Override
    public ToolSpec spec() {
        return SPEC;
    }

    @Override
    public String call(String argumentsJson) throws ToolException {
        String expression = ToolArguments.parse(argumentsJson).requiredString("expression");
        double result = Arithmetic.evaluate(expression);
        StringWriter out = new StringWriter(expression.length() + 48);
        try (JsonGenerator g = JsonText.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("expression", expression);
            g.writeFieldName("result");
            g.writeNumber(format(result));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A JSON number: plain notation in the everyday range, scientific outside it; never {@code -0}. */
    static String format(double value) {
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(SIGNIFICANT).stripTrailingZeros();
        double magnitude = Math.abs(value);
        return magnitude >= 1e-6 && magnitude < 1e21 ? rounded.toPlainString() : rounded.toString();
    }
}
