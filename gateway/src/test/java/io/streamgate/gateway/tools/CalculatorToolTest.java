package io.streamgate.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalculatorToolTest {

    private final CalculatorTool calculator = new CalculatorTool();

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "1+2*3            | 7",
        "(1+2)*3          | 9",
        "(2+3)*4.5        | 22.5",
        "10-4-3           | 3",
        "100/10/5         | 2",
        "2^3^2            | 512",
        "-2^2             | -4",
        "(-2)^2           | 4",
        "2^-1             | 0.5",
        "--3              | 3",
        "+4 - -1          | 5",
        "7 % 4 * 2        | 6",
        "-7 % 4           | -3",
        "1.5e3 + .5       | 1500.5",
        "2E-2             | 0.02",
        "0.1 + 0.2        | 0.3",
        "1/3              | 0.333333333333333",
        "sqrt(16) + abs(-2) | 6",
        "min(3, 1, 2) * max(4, 5) | 5",
        "floor(2.7) + ceil(2.1) + round(2.5) | 8",
        "2 * pi           | 6.28318530717959",
        "e ^ 0            | 1",
        "1e20 * 10        | 1E+21",
        "1e-7             | 1E-7",
        "3 - 3            | 0",
        "-0               | 0",
        "  ( ( 1 ) )      | 1",
    })
    void evaluates(String expression, String expected) throws ToolException {
        assertEquals(expected, CalculatorTool.format(Arithmetic.evaluate(expression)));
    }

    @Test
    void answersExpressionAndNumber() throws ToolException {
        assertEquals("{\"expression\":\"(2+3)*4.5\",\"result\":22.5}",
                calculator.call("{\"expression\":\"(2+3)*4.5\"}"));
        assertEquals("{\"expression\":\"6*7\",\"result\":42}", calculator.call("{\"expression\":\"6*7\"}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "1/0              | division by zero at position 2",
        "5 % (2-2)        | division by zero at position 3",
        "10^400           | the result overflows at position 3",
        "1e400            | the number is too large at position 1",
        "1 +              | the expression ends where a number was expected at position 4",
        "(1+2             | missing ')' at position 5",
        "1 2              | unexpected '2' at position 3",
        "2 * x            | unknown name 'x' at position 5",
        "foo(1)           | unknown function 'foo' at position 1",
        "sqrt(-1)         | sqrt of a negative number at position 1",
        "sqrt(1, 2)       | sqrt takes one argument, got 2 at position 1",
        "2e               | the exponent needs digits at position 2",
        ".                | '.' is not a number at position 1",
        "1 + #            | unexpected '#' at position 5",
    })
    void reportsErrorsWithTheirPosition(String expression, String message) {
        assertEquals(message, assertThrows(ToolException.class, () -> Arithmetic.evaluate(expression)).getMessage());
    }

    @Test
    void limitsLengthAndNesting() {
        assertTrue(assertThrows(ToolException.class, () -> Arithmetic.evaluate("1+".repeat(500) + "1"))
                .getMessage().contains("longer than 1000"));
        String deep = "(".repeat(100) + "1" + ")".repeat(100);
        assertTrue(assertThrows(ToolException.class, () -> Arithmetic.evaluate(deep))
                .getMessage().contains("nests deeper than 64"));
        assertTrue(assertThrows(ToolException.class, () -> Arithmetic.evaluate("-".repeat(200) + "1"))
                .getMessage().contains("nests deeper than 64"));
        String fine = "(".repeat(40) + "1" + ")".repeat(40);
        assertEquals(1.0, assertDoesNotThrow(fine));
    }

    @Test
    void rejectsMissingOrMistypedArguments() {
        assertEquals("\"expression\" is required",
                assertThrows(ToolException.class, () -> calculator.call("{}")).getMessage());
        assertEquals("\"expression\" must be a string",
                assertThrows(ToolException.class, () -> calculator.call("{\"expression\":42}")).getMessage());
        assertEquals("the expression is empty",
                assertThrows(ToolException.class, () -> calculator.call("{\"expression\":\"  \"}")).getMessage());
    }

    private static double assertDoesNotThrow(String expression) {
        try {
            return Arithmetic.evaluate(expression);
        } catch (ToolException e) {
            throw new AssertionError(e);
        }
    }
}
