package dev.simplepush.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a setting comes from when its flag is not given: its environment variable, then the configuration file,
 * then the flag's own default. So the precedence is flag &gt; environment &gt; file &gt; default, one rule for every
 * flag, including flags added later.
 *
 * <p>Names follow from the flag's: {@code --redis-uri} is the variable {@code SIMPLEPUSH_REDIS_URI} and the key
 * {@code redis-uri} in the file, a Java properties file named by {@code --config} (or {@code SIMPLEPUSH_CONFIG}). A
 * key that names no flag is an error, as is a file that cannot be read.
 *
 * <p>It remembers which settings it supplied, so that the server can refuse a setting given where it has no effect
 * and say where it came from. Used by one parse, on one thread.
 */
final class SettingSources implements IDefaultValueProvider {

    /** The prefix of every environment variable. */
    static final String VARIABLE_PREFIX = "SIMPLEPUSH_";
    /** The flag that names the file; the file cannot set it. */
    static final String CONFIG_FLAG = "--config";

    private final Map<String, String> environment;
    private final CommandSpec command;
    private final Map<String, String> origins = new HashMap<>();
    private @Nullable Path loadedFrom;
    private @Nullable Properties file;

    /** Sources for {@code command}'s options, reading variables from {@code environment}. */
    SettingSources(Map<String, String> environment, CommandSpec command) {
        this.environment = Map.copyOf(environment);
        this.command = command;
    }

    /** The environment variable of {@code option}: {@code --max-channels} ↦ {@code SIMPLEPUSH_MAX_CHANNELS}. */
    static String variableOf(OptionSpec option) {
        return VARIABLE_PREFIX + keyOf(option).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The key of {@code option} in the configuration file: its long name without the dashes. */
    static String keyOf(OptionSpec option) {
        return option.longestName().substring(2);
    }

    @Override
    public @Nullable String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String variable = variableOf(option);
        String fromEnvironment = environment.get(variable);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            origins.put(option.longestName(), variable);
            return escaped(fromEnvironment);
        }
        if (option.longestName().equals(CONFIG_FLAG)) {
            return null;
        }
        String fromFile = file().getProperty(keyOf(option));
        if (fromFile != null) {
            origins.put(option.longestName(), keyOf(option) + " in " + loadedFrom);
            return escaped(fromFile.trim());
        }
        return null;
    }

    /**
     * Where {@code flag}'s value came from if it was given at all: the flag itself on the command line, its variable
     * ({@code SIMPLEPUSH_PORT}), or its key in the file ({@code port in /etc/simplepush.properties}); empty when it
     * has its default.
     */
    Optional<String> source(String flag) {
        CommandLine.ParseResult parsed = command.commandLine().getParseResult();
        if (parsed != null && parsed.hasMatchedOption(flag)) {
            return Optional.of(flag);
        }
        return Optional.ofNullable(origins.get(flag));
    }

    // picocli expands ${...} in default values; what an operator wrote is taken literally ("$${" reads as "${").
    private static String escaped(String value) {
        return value.replace("${", "$${");
    }

    /** The configuration file's settings, read once; none without a file. */
    private Properties file() {
        if (file != null) {
            return file;
        }
        OptionSpec config = Objects.requireNonNull(command.findOption(CONFIG_FLAG), CONFIG_FLAG);
        // Set if given on the command line (picocli applies defaults after the arguments); else its variable.
        String named = config.getValue();
        if (named == null || named.isBlank()) {
            named = environment.get(variableOf(config));
        }
        Properties read = new Properties();
        if (named != null && !named.isBlank()) {
            Path path = Path.of(named.trim());
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                read.load(in);
            } catch (IOException | IllegalArgumentException unreadable) {
                throw new CommandLine.ParameterException(command.commandLine(),
                        "cannot read the configuration file " + path + ": " + unreadable.getMessage(), unreadable,
                        config, named);
            }
            loadedFrom = path;
            checkKeys(read, path);
        }
        file = read;
        return read;
    }

    private void checkKeys(Properties read, Path path) {
        TreeSet<String> known = new TreeSet<>();
        for (OptionSpec option : command.options()) {
            if (!option.usageHelp() && !option.versionHelp() && !option.longestName().equals(CONFIG_FLAG)) {
                known.add(keyOf(option));
            }
        }
        for (String key : new TreeSet<>(read.stringPropertyNames())) {
            if (!known.contains(key)) {
                throw new CommandLine.ParameterException(command.commandLine(), "unknown setting '" + key + "' in "
                        + path + "; a key is a flag's name without '--', one of: " + String.join(", ", known));
            }
        }
    }
}
