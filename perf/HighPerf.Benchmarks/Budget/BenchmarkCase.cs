using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace HighPerf.Benchmarks.Budget;

/// <summary>
/// One [Benchmark] method made callable without BenchmarkDotNet: an instance with every [Params]/[ParamsSource]
/// member at its first value (the cheapest case, by the convention of listing the small size first), its
/// [GlobalSetup]s run, and the method compiled into a delegate so that calling it allocates nothing of its own.
/// </summary>
public sealed class BenchmarkCase : IDisposable
{
    private readonly object _instance;
    private readonly MethodInfo[] _iterationSetups;
    private readonly MethodInfo[] _cleanups;

    private BenchmarkCase(object instance, MethodInfo method)
    {
        _instance = instance;
        Method = method;
        OperationsPerInvoke = method.GetCustomAttribute<BenchmarkAttribute>()!.OperationsPerInvoke;
        _iterationSetups = Targeted<IterationSetupAttribute>(instance.GetType(), method, a => a.Targets);
        _cleanups = Targeted<GlobalCleanupAttribute>(instance.GetType(), method, a => a.Targets);
        var call = Expression.Call(Expression.Constant(instance), method);
        var returns = method.ReturnType;
        if (typeof(Task).IsAssignableFrom(returns))
        {
            Async = Expression.Lambda<Func<Task>>(Expression.Convert(call, typeof(Task))).Compile();
        }
        else if (returns == typeof(ValueTask) || (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            Async = Expression.Lambda<Func<Task>>(Expression.Convert(Expression.Call(call, returns.GetMethod(nameof(ValueTask.AsTask))!), typeof(Task))).Compile();
        }
        else
        {
            Sync = Expression.Lambda<Action>(Expression.Block(typeof(void), call)).Compile();
        }
    }

    public MethodInfo Method { get; }

    public int OperationsPerInvoke { get; }

    public Action? Sync { get; }

    public Func<Task>? Async { get; }

    /// <summary>The parameter values chosen, for messages ("Sessions=10000").</summary>
    public string Parameters { get; private set; } = "";

    public static Type[] BenchmarkTypes { get; } = typeof(BenchmarkCase).Assembly.GetTypes()
        .Where(t => t.IsClass && !t.IsAbstract && t.Namespace != typeof(BenchmarkCase).Namespace && t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkAttribute))))
        .ToArray();

    public static MethodInfo? Find(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        var type = BenchmarkTypes.SingleOrDefault(t => t.Name == key[..dot]);
        return type?.GetMethod(key[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance);
    }

    public static BenchmarkCase Create(MethodInfo method)
    {
        var type = method.DeclaringType!;
        var instance = Activator.CreateInstance(type)!;
        var parameters = new List<string>();
        foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance))
        {
            object? value;
            if (member.GetCustomAttribute<ParamsAttribute>() is { } values)
            {
                value = values.Values[0];
            }
            else if (member.GetCustomAttribute<ParamsSourceAttribute>() is { } source)
            {
                value = FirstOf(type, instance, source.Name);
            }
            else
            {
                continue;
            }

            if (member is PropertyInfo property)
            {
                property.SetValue(instance, value);
            }
            else
            {
                ((FieldInfo)member).SetValue(instance, value);
            }

            parameters.Add($"{member.Name}={value}");
        }

        foreach (var setup in Targeted<GlobalSetupAttribute>(type, method, a => a.Targets))
        {
            InvokeAndWait(setup, instance);
        }

        return new BenchmarkCase(instance, method) { Parameters = string.Join(", ", parameters) };
    }

    public void IterationSetup()
    {
        foreach (var setup in _iterationSetups)
        {
            InvokeAndWait(setup, _instance);
        }
    }

    public void Dispose()
    {
        foreach (var cleanup in _cleanups)
        {
            InvokeAndWait(cleanup, _instance);
        }

        (_instance as IDisposable)?.Dispose();
    }

    private static object? FirstOf(Type type, object instance, string name)
    {
        const BindingFlags any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var source = type.GetProperty(name, any)?.GetValue(instance)
            ?? type.GetMethod(name, any, Type.EmptyTypes)?.Invoke(instance, null)
            ?? type.GetField(name, any)?.GetValue(instance);
        foreach (var item in (IEnumerable)source!)
        {
            return item;
        }

        throw new InvalidOperationException($"{type.Name}.{name} yields no parameter value.");
    }

    private static MethodInfo[] Targeted<TAttribute>(Type type, MethodInfo benchmark, Func<TAttribute, string[]> targets)
        where TAttribute : Attribute
        => type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttribute<TAttribute>() is { } a && (targets(a).Length == 0 || targets(a).Contains(benchmark.Name)))
            .ToArray();

    private static void InvokeAndWait(MethodInfo method, object instance)
    {
        switch (method.Invoke(instance, null))
        {
            case Task task:
                task.GetAwaiter().GetResult();
                break;
            case ValueTask valueTask:
                valueTask.AsTask().GetAwaiter().GetResult();
                break;
        }
    }
}
