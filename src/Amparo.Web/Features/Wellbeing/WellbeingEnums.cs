namespace Amparo.Web.Features.Wellbeing;

// The words of the well-being module (issue 11), shared by the self-check, the team view and the pages.
// Stored as numbers: never renumber a value.

/// <summary>The three scales of the self-check (docs/wellbeing.md explains each).</summary>
public enum WellbeingScale
{
    /// <summary>Satisfaction from helping others: high is good.</summary>
    Satisfaction = 0,
    /// <summary>Exhaustion, overwhelm, feeling that nothing one does makes a difference: high is a warning.</summary>
    Burnout = 1,
    /// <summary>Secondary traumatic stress from others' suffering (intrusive images, avoidance, being on edge): high is a warning.</summary>
    SecondaryStress = 2,
}

/// <summary>Where a scale's score falls; shown in words with what tends to help, never as a diagnosis.</summary>
public enum WellbeingBand
{
    Low = 0,
    Moderate = 1,
    High = 2,
}

/// <summary>The five-point answer to "in the last 30 days, how often …".</summary>
public enum Frequency
{
    Never = 0,
    Rarely = 1,
    Sometimes = 2,
    Often = 3,
    VeryOften = 4,
}
