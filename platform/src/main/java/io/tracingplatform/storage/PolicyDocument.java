package io.tracingplatform.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tracingplatform.yaml.Yaml;
import java.util.List;
import java.util.Map;

/**
 * An IAM policy document as a typed value, serialised by the one JSON mapper: never an escaped string.
 *
 * @param statements the statements
 */
@JsonPropertyOrder({"Version", "Statement"})
public record PolicyDocument(@JsonProperty("Statement") List<Statement> statements) {
    @JsonProperty("Version")
    public String version() {
        return "2012-10-17";
    }

    /**
     * One statement.
     *
     * @param sid statement id
     * @param effect Allow or Deny
     * @param principal who (bucket and trust policies), null in identity policies
     * @param actions the actions
     * @param resources the resources (null in trust policies)
     * @param condition conditions, operator to key to value
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"Sid", "Effect", "Principal", "Action", "Resource", "Condition"})
    public record Statement(@JsonProperty("Sid") String sid,
                            @JsonProperty("Effect") String effect,
                            @JsonProperty("Principal") Object principal,
                            @JsonProperty("Action") List<String> actions,
                            @JsonProperty("Resource") List<String> resources,
                            @JsonProperty("Condition") Map<String, Map<String, Object>> condition) {}

    public String toJson() {
        return Yaml.toJson(this);
    }
}
