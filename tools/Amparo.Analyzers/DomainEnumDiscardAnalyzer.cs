using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Amparo.Analyzers;

/// <summary>
/// AMP0001: a switch over an Amparo enum must name every value it handles. A discard arm (<c>_ =&gt;</c>, <c>var _ =&gt;</c>)
/// or a <c>default:</c> label would quietly absorb a value added later; without it the compiler's CS8509 (a value not
/// handled) fails the build at every switch that must decide what the new value means.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DomainEnumDiscardAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "AMP0001";
    public const string StatementId = "AMP0002";

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        title: "No catch-all arm in a switch over a domain enum",
        messageFormat: "A switch over the domain enum '{0}' must not have a {1}: name each value, so a new value fails to compile where it is not handled",
        category: "Amparo.Types",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Switches over enums declared in Amparo name every value. CS8524 (an unnamed numeric value) is off in Directory.Build.props; CS8509 (a named value not handled) stays an error.");

    // A switch statement is never checked for exhaustiveness by the compiler: without a default it must name every value.
    private static readonly DiagnosticDescriptor StatementRule = new(
        StatementId,
        title: "A switch statement over a domain enum names every value",
        messageFormat: "This switch statement over the domain enum '{0}' does not handle {1}: name each value (group them with stacked case labels), or use a switch expression",
        category: "Amparo.Types",
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The compiler checks switch expressions for missing values (CS8509), not switch statements; AMP0002 does it for statements over Amparo's enums.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule, StatementRule);

    public override void Initialize(AnalysisContext context)
    {
        // Razor views compile to generated code; they are checked too.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(AnalyzeSwitchExpression, SyntaxKind.SwitchExpression);
        context.RegisterSyntaxNodeAction(AnalyzeSwitchStatement, SyntaxKind.SwitchStatement);
    }

    private static void AnalyzeSwitchExpression(SyntaxNodeAnalysisContext context)
    {
        var node = (SwitchExpressionSyntax)context.Node;
        var domainEnum = DomainEnum(context.SemanticModel.GetTypeInfo(node.GoverningExpression, context.CancellationToken).Type);
        if (domainEnum is null)
        {
            return;
        }
        foreach (var arm in node.Arms)
        {
            if (arm.WhenClause is null && IsCatchAll(arm.Pattern))
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, arm.Pattern.GetLocation(), domainEnum.Name, "discard arm"));
            }
        }
    }

    private static void AnalyzeSwitchStatement(SyntaxNodeAnalysisContext context)
    {
        var node = (SwitchStatementSyntax)context.Node;
        var domainEnum = DomainEnum(context.SemanticModel.GetTypeInfo(node.Expression, context.CancellationToken).Type);
        if (domainEnum is null)
        {
            return;
        }
        var reported = false;
        foreach (var label in node.Sections.SelectMany(s => s.Labels))
        {
            var catchAll = label switch
            {
                DefaultSwitchLabelSyntax => "default label",
                CasePatternSwitchLabelSyntax { WhenClause: null } p when IsCatchAll(p.Pattern) => "discard case",
                _ => null,
            };
            if (catchAll is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(Rule, label.GetLocation(), domainEnum.Name, catchAll));
                reported = true;
            }
        }
        // With a catch-all the values it swallows are reported once, above.
        if (reported || domainEnum.GetAttributes().Any(a => a.AttributeClass?.Name == "FlagsAttribute"))
        {
            return;
        }
        var handled = new HashSet<object>();
        foreach (var label in node.Sections.SelectMany(s => s.Labels))
        {
            switch (label)
            {
                case CaseSwitchLabelSyntax c:
                    AddConstant(context.SemanticModel, c.Value, handled, context.CancellationToken);
                    break;
                case CasePatternSwitchLabelSyntax { WhenClause: null } p:
                    AddConstants(context.SemanticModel, p.Pattern, handled, context.CancellationToken);
                    break;
            }
        }
        var missing = domainEnum.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.HasConstantValue && f.ConstantValue is not null && !handled.Contains(f.ConstantValue))
            .Select(f => f.Name).ToList();
        if (missing.Count > 0)
        {
            context.ReportDiagnostic(Diagnostic.Create(StatementRule, node.SwitchKeyword.GetLocation(), domainEnum.Name, string.Join(", ", missing)));
        }
    }

    private static void AddConstants(SemanticModel model, PatternSyntax pattern, HashSet<object> handled, System.Threading.CancellationToken ct)
    {
        switch (pattern)
        {
            case ConstantPatternSyntax c:
                AddConstant(model, c.Expression, handled, ct);
                break;
            case BinaryPatternSyntax b when b.IsKind(SyntaxKind.OrPattern):
                AddConstants(model, b.Left, handled, ct);
                AddConstants(model, b.Right, handled, ct);
                break;
            case ParenthesizedPatternSyntax p:
                AddConstants(model, p.Pattern, handled, ct);
                break;
        }
    }

    private static void AddConstant(SemanticModel model, ExpressionSyntax expression, HashSet<object> handled, System.Threading.CancellationToken ct)
    {
        if (model.GetConstantValue(expression, ct) is { HasValue: true, Value: { } value })
        {
            handled.Add(value);
        }
    }

    // `_` and `var _` swallow any value. `var status => Handle(status)` names the value and hands it on, to a switch
    // that must itself be exhaustive, so it is allowed; `not null` and the like are left to the compiler.
    private static bool IsCatchAll(PatternSyntax pattern) => pattern switch
    {
        DiscardPatternSyntax => true,
        VarPatternSyntax { Designation: DiscardDesignationSyntax } => true,
        ParenthesizedPatternSyntax p => IsCatchAll(p.Pattern),
        _ => false,
    };

    /// <summary>The enum, if the type is one declared in an Amparo assembly (nullable enums included).</summary>
    private static INamedTypeSymbol? DomainEnum(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }
        return type is INamedTypeSymbol { TypeKind: TypeKind.Enum } e && IsAmparo(e.ContainingAssembly) ? e : null;
    }

    // The app's assembly is "amparo"; modules that move into their own assemblies later are "Amparo.*".
    private static bool IsAmparo(IAssemblySymbol? assembly) =>
        assembly is not null
        && (string.Equals(assembly.Name, "amparo", System.StringComparison.OrdinalIgnoreCase)
            || assembly.Name.StartsWith("Amparo.", System.StringComparison.OrdinalIgnoreCase))
        && !assembly.Name.StartsWith("Amparo.Analyzers", System.StringComparison.OrdinalIgnoreCase);
}
